// Compression for the archives, run by the pinned builder Node: the same
// zlib for everyone who packages, so the archives' bytes (and the sha256 in
// krew-manifest.yaml) do not depend on the Node.js that runs this script.
import { spawn } from 'node:child_process';
import type { Compress } from './archive.ts';

const PROGRAM = `
const zlib = require('node:zlib');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const data = Buffer.concat(chunks);
  const options = { level: 6 };
  process.stdout.write(process.argv[1] === 'gzip' ? zlib.gzipSync(data, options) : zlib.deflateRawSync(data, options));
});`;

export function pinnedCompress(node: string): Compress {
  return (data, format) =>
    new Promise((resolve, reject) => {
      const child = spawn(node, ['-e', PROGRAM, format], { stdio: ['pipe', 'pipe', 'inherit'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve(Buffer.concat(out))
          : reject(new Error(`compressing with ${node} failed (exit ${code})`)),
      );
      child.stdin.end(data);
    });
}
