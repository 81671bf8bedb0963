/** Crash idempotency of the Lambda stages: see test/support/lambda/crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { lambdaCrashRuns } from '../../support/lambda/crash-scenarios.js';
import { LAMBDA_SCENARIOS } from '../../support/lambda/scenarios.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

crashSuite('Lambda stages', { emulator: useLambdaAws, runs: lambdaCrashRuns, scenarios: LAMBDA_SCENARIOS });
