import { describe, it } from 'vitest';
import { memoryBlobStore } from '../../adapters/blobs/index.js';
import { runBlobStoreContract } from '../../src/testing/blob-store-contract.js';

runBlobStoreContract({ name: 'memory', create: () => memoryBlobStore(), describe, it });
