/** The stage reference and the schema's per-type part come from the registry, and the committed copies are current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '../../../../state-machines/model/json-schema.js';
import { stageReferenceMarkdown } from '../../../../state-machines/stage-types/reference.js';
import { stageTypeInfo, supportedStageTypes } from '../../../../state-machines/stage-types/index.js';

const root = join(import.meta.dirname, '../../../..');

describe('stage reference', () => {
  it('docs/stages.md is what `gennaker docs stages` prints (regenerate: npx gennaker docs stages > docs/stages.md)', () => {
    expect(readFileSync(join(root, 'docs/stages.md'), 'utf8')).toBe(stageReferenceMarkdown());
  });

  it('documents every registered type with its fields, required fields and default timeout', () => {
    const doc = stageReferenceMarkdown();
    for (const type of supportedStageTypes()) {
      const info = stageTypeInfo(type)!;
      const section = doc.split(`\n### ${type}\n`)[1]!.split('\n### ')[0]!;
      expect(section, type).toContain(info.description);
      for (const field of [...(info.fields ?? []), ...(info.required ?? [])]) expect(section, `${type}.${field}`).toContain(`\`${field}\``);
    }
  });

  it("the JSON Schema completes every type and each type's own fields", () => {
    const stage = (pipelineJsonSchema().properties as Record<string, { items: Record<string, unknown> }>).stages!.items;
    const typeEnum = (stage.properties as Record<string, { enum: string[] }>).type!.enum;
    const branches = stage.allOf as Array<{
      if: { properties: { type: { enum: string[] } } };
      then: { properties: Record<string, unknown>; required?: string[] };
    }>;
    for (const type of supportedStageTypes()) {
      expect(typeEnum).toContain(type);
      const branch = branches.find((b) => b.if.properties.type.enum.includes(type))!;
      expect(Object.keys(branch.then.properties).sort(), type).toEqual([...(stageTypeInfo(type)!.fields ?? [])].sort());
      expect(branch.then.required ?? [], type).toEqual([...(stageTypeInfo(type)!.required ?? [])]);
    }
  });
});
