/**
 * Entry point of `cdk synth` / `cdk deploy` (see cdk.json). Everything is built in
 * `converge-app.ts`, which the tests synthesize in-process.
 */
import { createConvergeApp } from './converge-app.ts';

createConvergeApp().app.synth();
