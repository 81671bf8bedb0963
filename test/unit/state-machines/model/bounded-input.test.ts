/**
 * Bounded work for bad files (issue 11 item 8): a pipeline file over the size cap is refused with
 * one clear message by every reader (the loader the CLI, local runs, synth and the registry share,
 * and the text parser), before it is parsed; YAML duplicate keys are found in one pass (proved by
 * counting key visits on a large generated document, not by timing), and settings files get the
 * same check.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile, loadPipelinePath } from '../../../../functions/core/pipeline-files.js';
import { parseConfigText } from '../../../../functions/core/config-text.js';
import { loadPipeline } from '../../../../infra/pipeline/definition.js';
import { MAX_PIPELINE_FILE_BYTES, parsePipelineText } from '../../../../state-machines/model/parse-text.js';
import { type KeyCheckCounter, readYaml } from '../../../../state-machines/model/yaml-text.js';

const TOO_LARGE = /is (\d+ bytes, )?larger than the 2097152 bytes \(2 MiB\) a pipeline file may have/;

function bigPipelineText(bytes: number): string {
  const pad = 'x'.repeat(bytes);
  return JSON.stringify({ application: 'app', name: 'big', description: pad, stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }] });
}

describe('pipeline file size cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gennaker-cap-'));
  const big = join(dir, 'big.json');
  writeFileSync(big, bigPipelineText(MAX_PIPELINE_FILE_BYTES));
  const fits = join(dir, 'fits.json');
  writeFileSync(fits, bigPipelineText(MAX_PIPELINE_FILE_BYTES - 1_000));

  it('refuses a file over the cap by its size in the one loader, naming the file and both sizes', () => {
    const loaded = loadPipelineFile(big);
    expect(loaded.pipeline).toBeUndefined();
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]!.message).toMatch(new RegExp(`^${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is \\d+ bytes, larger than the 2097152 bytes`));
    expect(loadPipelineFile(fits).errors).toEqual([]);
  });

  it('gives the same refusal to every reader: folders, synth, and text handed over directly', () => {
    expect(loadPipelinePath(dir).files.find((f) => f.source === big)!.errors[0]!.message).toMatch(TOO_LARGE);
    expect(() => loadPipeline(big)).toThrow(TOO_LARGE);
    const text = parsePipelineText(bigPipelineText(MAX_PIPELINE_FILE_BYTES), 'stdin');
    expect(text.errors[0]!.message).toMatch(/^stdin is \d+ bytes, larger than/);
    // Multi-byte text is measured in UTF-8 bytes: under the cap in characters, over it in bytes.
    expect(parsePipelineText(`# ${'é'.repeat(MAX_PIPELINE_FILE_BYTES / 2 + 10)}\nname: x\n`, 'wide.yml').errors[0]!.message).toMatch(TOO_LARGE);
  });

  it('stops reading a file whose size said less (a device, a file that grew)', () => {
    const endless = join(dir, 'zero.yml');
    symlinkSync('/dev/zero', endless);
    const loaded = loadPipelineFile(endless);
    expect(loaded.errors[0]!.message).toMatch(/zero\.yml is larger than the 2097152 bytes/);
  });
});

describe('YAML duplicate keys', () => {
  it('names the repeated key and where it is', () => {
    const result = parsePipelineText('application: a\nname: n\nstages: []\nname: again\n', 'p.yml');
    expect(result.errors).toEqual([{ path: '$', message: 'p.yml is not valid YAML (line 4, column 1): map keys must be unique: "name" appears again' }]);
    // Nested maps each keep their own keys; 1 and '1' are different keys, as the YAML package sees them.
    expect(parsePipelineText("a: {x: 1, y: 2}\nb: {x: 1}\nc: {1: a, '1': b}\n").errors).toEqual([]);
    expect(parsePipelineText('a:\n  - {x: 1, x: 2}\n').errors[0]!.message).toMatch(/line 2, column 12\): map keys must be unique: "x"/);
  });

  it('checks a 20,000-key document with one visit per key (linear), and finds the duplicate at the end', () => {
    const keys = 20_000;
    const lines = Array.from({ length: keys / 2 }, (_, i) => `k${i}: ${i}`);
    // Half the keys at the top, half in nested maps of 100.
    for (let m = 0; m < keys / 200; m++) {
      lines.push(`m${m}:`);
      for (let i = 0; i < 100; i++) lines.push(`  n${i}: ${i}`);
    }
    const counter: KeyCheckCounter = { keys: 0 };
    const clean = readYaml(lines.join('\n'), counter);
    expect(clean.problems).toEqual([]);
    // Every key once: the top map's keys/2 + its keys/200 nested-map keys, and the nested maps' keys/2.
    expect(counter.keys).toBe(keys / 2 + keys / 200 + keys / 2);

    const repeated = { keys: 0 };
    const dup = readYaml(`${lines.join('\n')}\nk0: again`, repeated);
    expect(dup.problems).toEqual([{ message: 'map keys must be unique: "k0" appears again', line: lines.length + 1, column: 1 }]);
    expect(repeated.keys).toBe(counter.keys + 1);
  });

  it('applies to settings files too, naming the line', async () => {
    await expect(parseConfigText('accounts:\n  - name: a\n    name: b\n')).rejects.toThrow(/line 3, column 5: map keys must be unique: "name"/);
  });

  it('still refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(parsePipelineText(bomb).errors[0]!.message).toMatch(/not valid YAML.*alias/i);
  });
});
