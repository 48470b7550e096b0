import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signingSecret, tokenSecretFile } from '../../src/users/token';

describe('the token secret outside production', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-secret-')), 'data');
  });
  afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('is made once, kept in the data directory where only its owner may read it, and the same on the next start', () => {
    const first = signingSecret({ jwtSecret: null, dataDir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(tokenSecretFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(signingSecret({ jwtSecret: null, dataDir })).toBe(first);
    expect(fs.readdirSync(dataDir)).toEqual(['token-secret']);
  });

  it('is closed again to others when the file was opened to them', () => {
    const first = signingSecret({ jwtSecret: null, dataDir });
    fs.chmodSync(tokenSecretFile(dataDir), 0o644);
    expect(signingSecret({ jwtSecret: null, dataDir })).toBe(first);
    expect(fs.statSync(tokenSecretFile(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('is JWT_SECRET when set, and then no file is made', () => {
    expect(signingSecret({ jwtSecret: 'j'.repeat(40), dataDir })).toBe('j'.repeat(40));
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
