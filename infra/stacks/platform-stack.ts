/** The platform in a stack of its own, with the outputs the CLI and the tests read. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLES, type TableKey } from '../../functions/core/tables.js';
import type { FunctionFamily } from '../../state-machines/index.js';
import { Platform, type PlatformProps } from '../platform/platform.js';

/** Output names (CloudFormation allows letters and digits only). */
export const platformOutputs = {
  table: (key: TableKey) => `${capitalised(key)}Table`,
  topic: 'NotificationTopicArn',
  stageFunction: (family: FunctionFamily) => `${capitalised(family)}FunctionArn`,
  apiUrl: 'ApiUrl',
  consoleUrl: 'ConsoleUrl',
  consoleUserPool: 'ConsoleUserPoolId',
};

const capitalised = (word: string) => `${word[0]!.toUpperCase()}${word.slice(1)}`;

export interface PlatformStackProps extends StackProps {
  readonly platform?: PlatformProps;
}

export class PlatformStack extends Stack {
  readonly platform: Platform;

  constructor(scope: Construct, id: string, props: PlatformStackProps = {}) {
    super(scope, id, props);
    this.platform = new Platform(this, 'Platform', props.platform);
    for (const key of Object.keys(TABLES) as TableKey[]) {
      new CfnOutput(this, platformOutputs.table(key), { value: this.platform.tables.table(key).tableName, description: TABLES[key].envVar });
    }
    new CfnOutput(this, platformOutputs.topic, { value: this.platform.topic.topicArn, description: 'GENNAKER_TOPIC_ARN' });
    for (const family of this.platform.families) {
      new CfnOutput(this, platformOutputs.stageFunction(family), { value: this.platform.stageFunction(family)!.functionArn });
    }
    if (this.platform.api) {
      new CfnOutput(this, platformOutputs.apiUrl, { value: this.platform.api.url, description: 'GENNAKER_API_URL for the gennaker CLI' });
    }
    if (this.platform.console) {
      new CfnOutput(this, platformOutputs.consoleUrl, { value: this.platform.console.url, description: 'The web console' });
      new CfnOutput(this, platformOutputs.consoleUserPool, {
        value: this.platform.console.userPool.userPoolId,
        description: 'Console users: add them here, in groups named after roles',
      });
    }
  }
}
