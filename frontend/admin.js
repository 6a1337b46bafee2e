// admin.js — the admin index page: only the shell; the links are in the HTML.

import { startPage } from './shell.js';

await startPage('admin');
