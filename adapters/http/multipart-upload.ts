/**
 * `multipart/form-data` for a new ticket or a reply with files: the text fields are the
 * JSON input's fields (booleans as `true`/`false`, an empty value of a nullable field as
 * `null`), every file part is one attachment, in the order sent. The whole body is read
 * under the upload ceiling first (a form carries no per-part length up front), then each
 * file goes to the service as a stream, which checks its type by content and its size.
 */
import { ValidationError } from '../../src/errors.js';
import { HttpError } from './error-response.js';
import { checkDeclaredLength } from './body-limits.js';

/** How a form field is read into the input. */
export type FormFieldKind = 'string' | 'nullable' | 'boolean';

/** The fields a form takes, and how each is read. */
export type FormSpec = Readonly<Record<string, FormFieldKind>>;

/** Whether `request` carries a form with files. */
export const isMultipart = (request: Request): boolean =>
  (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

/**
 * The input of a multipart `request`: its fields by `spec`, and `attachments` when it has
 * files. At most `limit` bytes are read; more is 413.
 */
export async function readMultipart(request: Request, spec: FormSpec, limit: number): Promise<Record<string, unknown>> {
  checkDeclaredLength(request, limit);
  let exceeded = false;
  let seen = 0;
  const body = request.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          exceeded = true;
          controller.error(new Error('too large'));
        } else controller.enqueue(chunk);
      },
    }),
  );
  let form: FormData;
  try {
    form = await new Response(body ?? null, {
      headers: { 'Content-Type': request.headers.get('content-type') ?? '' },
    }).formData();
  } catch {
    if (exceeded) throw new HttpError('payload_too_large', `The upload is larger than the limit of ${limit} bytes`);
    throw new ValidationError('The request body is not valid multipart/form-data', null);
  }
  const input: Record<string, unknown> = {};
  const attachments: { filename: string; content: ReadableStream<Uint8Array>; contentType?: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') {
      const file = value as File;
      attachments.push({
        filename: file.name,
        content: file.stream() as ReadableStream<Uint8Array>,
        ...(file.type ? { contentType: file.type } : {}),
      });
      continue;
    }
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      throw new ValidationError(`Unknown form field ${JSON.stringify(name)}; this form takes ${Object.keys(spec).join(', ')} and files`, name);
    }
    if (Object.hasOwn(input, name)) throw new ValidationError(`Form field ${name} is given more than once`, name);
    input[name] = fieldValue(name, kind, value);
  }
  if (attachments.length > 0) input.attachments = attachments;
  return input;
}

function fieldValue(name: string, kind: FormFieldKind, value: string): unknown {
  if (kind === 'string') return value;
  if (kind === 'nullable') return value === '' ? null : value;
  const lower = value.trim().toLowerCase();
  // `on` is what a checked checkbox sends.
  if (lower === 'true' || lower === 'on' || lower === '1') return true;
  if (lower === 'false' || lower === 'off' || lower === '0' || lower === '') return false;
  throw new ValidationError(`Form field ${name} must be true or false, got ${JSON.stringify(value)}`, name);
}
