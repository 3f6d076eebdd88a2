// Entry point the Pulumi CLI runs (built to dist/infra/index.js) from the project folder:
// reads the stack's `outpost:*` settings and declares the site and/or the directory.
import { programFromConfig, stackOutputs } from './stack.js';

// The providers are built beside this file (scripts/build.mjs).
const outputs = stackOutputs(programFromConfig(process.cwd(), new URL('./providers.js', import.meta.url).href));

export const site = outputs.site;
export const devices = outputs.devices;
export const people = outputs.people;
