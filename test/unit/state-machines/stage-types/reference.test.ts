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
      expect(info.fields.length + (info.required ?? []).length, `${type} declares its fields`).toBeGreaterThan(0);
      for (const field of [...info.fields.map((f) => f.name), ...(info.required ?? [])]) expect(section, `${type}.${field}`).toContain(`\`${field}\``);
      for (const f of info.fields.filter((f) => f.default !== undefined)) expect(section, `${type}.${f.name} default`).toContain(JSON.stringify(f.default));
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
      const fields = stageTypeInfo(type)!.fields;
      expect(Object.keys(branch.then.properties).sort(), type).toEqual(fields.flatMap((f) => [f.name, ...(f.aliases ?? [])]).sort());
      for (const f of fields) {
        const property = branch.then.properties[f.name] as { type: unknown; default?: unknown; description: string };
        // A string is accepted wherever another type is (expressions, Deck's numbers as text).
        expect([property.type].flat(), `${type}.${f.name}`).toContain('string');
        expect(property.default, `${type}.${f.name}`).toEqual(f.default);
        expect(property.description).toContain(f.description);
      }
      expect(branch.then.required ?? [], type).toEqual([...(stageTypeInfo(type)!.required ?? [])]);
    }
  });

  it('each type declares a field once', () => {
    for (const type of supportedStageTypes()) {
      const names = stageTypeInfo(type)!.fields.flatMap((f) => [f.name, ...(f.aliases ?? [])]);
      expect(
        names.filter((n, i) => names.indexOf(n) !== i),
        type,
      ).toEqual([]);
    }
  });

  it('lets editors complete a deploy stage: its fields with their types and defaults', () => {
    const stage = (pipelineJsonSchema().properties as Record<string, { items: Record<string, unknown> }>).stages!.items;
    const deploy = (
      stage.allOf as Array<{ if: { properties: { type: { enum: string[] } } }; then: { properties: Record<string, Record<string, unknown>> } }>
    ).find((b) => b.if.properties.type.enum.includes('deploy'))!;
    expect(deploy.then.properties.clusters).toMatchObject({ type: ['array', 'string'], items: { type: 'object' } });
    // Each cluster entry's fields, so editors complete inside clusters[] too.
    expect((deploy.then.properties.clusters!.items as { properties: unknown }).properties).toMatchObject({
      strategy: { examples: expect.arrayContaining(['redblack']) },
      ecsClusterName: {},
    });
    expect(deploy.then.properties.cloudProvider).toMatchObject({ type: 'string', default: 'aws' });
  });
});
