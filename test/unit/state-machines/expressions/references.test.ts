import { describe, expect, it } from 'vitest';
import { collectReferences } from '../../../../state-machines/expressions/index.js';

describe('collectReferences', () => {
  it('GIVEN parameters referenced in every usual form WHEN collected THEN each name is found', () => {
    const refs = collectReferences({
      a: '${parameters.env}',
      b: "${parameters['region']}",
      c: '${trigger.parameters.version}',
      d: "${trigger['parameters']['build']}",
      e: '${execution.trigger.parameters.sha}',
      f: '${parameters?.optional ?: "x"}',
      g: "${parameters.get('viaGet')} ${parameters.containsKey('viaContains')}",
      h: ['${execution.parameters.fromExecution}'],
    });
    expect([...refs.parameters].sort()).toEqual(['build', 'env', 'fromExecution', 'optional', 'region', 'sha', 'version', 'viaContains', 'viaGet'].sort());
  });

  it('GIVEN property reads that are not parameters WHEN collected THEN they are not parameters', () => {
    const refs = collectReferences(['${trigger.user}', '${parameters}', '${parameters[trigger.key]}', '${x.parameters.y}']);
    expect([...refs.parameters]).toEqual([]);
  });

  it('GIVEN stage and judgment helpers WHEN collected THEN their literal names are found', () => {
    const refs = collectReferences(
      "${#stage('Bake').outputs.ami} ${#stageByRefId('3')} ${#stageByRefId(4)} " +
        "${#judgment('Approve')} ${#judgement('Gate') == 'yes'} ${#stage(parameters.dynamic)}",
    );
    expect([...refs.stageNames]).toEqual(['Bake']);
    expect([...refs.stageRefIds].sort()).toEqual(['3', '4']);
    expect([...refs.judgments].sort()).toEqual(['Approve', 'Gate']);
    expect([...refs.parameters]).toEqual(['dynamic']);
  });

  it('GIVEN nested calls WHEN collected THEN references inside arguments are found', () => {
    const refs = collectReferences("${#toInt(#stage('Count').outputs[parameters.key]) + #toInt(parameters.n)}");
    expect([...refs.stageNames]).toEqual(['Count']);
    expect([...refs.parameters].sort()).toEqual(['key', 'n']);
  });

  it('GIVEN unparsable expressions WHEN collected THEN they are skipped and the rest still counts', () => {
    const refs = collectReferences(['${parameters.a +}', '${parameters.b}', '${unterminated', 42, null]);
    expect([...refs.parameters]).toEqual(['b']);
  });

  it('GIVEN nothing with expressions WHEN collected THEN every set is empty', () => {
    expect(collectReferences({ a: 'plain', b: 1 })).toEqual({
      parameters: new Set(),
      stageNames: new Set(),
      stageRefIds: new Set(),
      judgments: new Set(),
      patterns: new Set(),
      opaque: false,
    });
  });

  it('GIVEN reads of other stages the names do not tell WHEN collected THEN they are opaque', () => {
    expect(collectReferences('${someOutput}').opaque).toBe(true);
    expect(collectReferences('${execution.stages[0].outputs}').opaque).toBe(true);
    expect(collectReferences('${#stage(parameters.which).status}').opaque).toBe(true);
    expect(collectReferences('${execution}').opaque).toBe(true);
  });

  it('GIVEN reads of the header and named stages only WHEN collected THEN they are not opaque', () => {
    expect(
      collectReferences("${trigger.user} ${parameters.env} ${execution.trigger.type} ${execution['id']} ${#stage('Bake').outputs.x} ${#stageExists('2')}")
        .opaque,
    ).toBe(false);
  });
});
