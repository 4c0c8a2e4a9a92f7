// Pages with no script of their own (sign-in, not found) still show who is signed in.
import { initPage } from './app.js';

initPage(location.pathname);
