// `node --import ./test/helpers/import-recorder.mjs …`: appends the URL of every module the process
// resolves through the ESM loader to the file named by $VLM_IMPORT_LOG (test/cli/startup.test.ts
// checks that light commands never load the heavy packages).
import { register } from 'node:module';

register('./import-recorder-hooks.mjs', import.meta.url, { data: { log: process.env.VLM_IMPORT_LOG } });
