/** The emulator every Lambda test file uses: moto with Lambda's provisioned concurrency API in front (moto lacks it). */
import { useLocalAws } from '../local.js';

export function useLambdaAws(): ReturnType<typeof useLocalAws> {
  return useLocalAws({ lambdaProvisionedConcurrency: true });
}
