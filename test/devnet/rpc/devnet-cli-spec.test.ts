import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';
import { tsxArgs } from '../../support/tsx.js';

// `yumaval devnet --spec 424`: a real process serving spec 424's runtime version and metadata (V16), then SIGINT.

const root = new URL('../../../', import.meta.url).pathname;

describe('yumaval devnet --spec', () => {
  it('serves the chosen runtime', async () => {
    const child = spawn(process.execPath, [...tsxArgs(join(root, 'src/cli.ts')), 'devnet', '--port', '0', '--block-time', '0', '--spec', '424'], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^devnet listening on (ws:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (m !== null) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const c = await RawClient.connect(url);
    const version = (await c.call('state_getRuntimeVersion', [])) as { specVersion: number };
    expect(version.specVersion).toBe(424);
    const metadata = (await c.call('state_getMetadata', [])) as string;
    // "meta" magic, then the metadata version byte: 16.
    expect(metadata.slice(0, 12)).toBe('0x6d65746110');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses an unknown spec with exit 2 naming --spec', async () => {
    const child = spawn(process.execPath, [...tsxArgs(join(root, 'src/cli.ts')), 'devnet', '--port', '0', '--spec', '300'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^yumaval: option --spec: expected one of 233, 343, 424/);
  });
});
