// Small, format-level helpers shared by the kit builders: escaping for XML, stable
// UUIDs (a kit rebuilt from the same inputs is byte-identical), certificates, QR codes.
import { createHash, X509Certificate } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import QR from 'qrcode';

const XML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const XML_SPECIAL = /[&<>"']/;

export function xml(s: string): string {
  return XML_SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => XML_ESC[c]!) : s;
}

/** A UUID derived from a name, so profiles keep their identity across rebuilds. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

export interface CaCertificate {
  readonly pem: string;
  readonly der: Buffer;
  /** SHA-1 thumbprint as Windows writes it: hex bytes separated by spaces. */
  readonly sha1Spaced: string;
  readonly subject: string;
}

/** Parses a PEM CA certificate (the first one in the file); throws on anything else. */
export function parseCa(pem: string): CaCertificate {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) in the CA file');
  const cert = new X509Certificate(m[0]);
  if (!cert.ca) throw new Error(`the certificate ${cert.subject.replace(/\n/g, ', ')} is not a CA certificate`);
  const der = cert.raw;
  const sha1 = createHash('sha1').update(der).digest('hex');
  return { pem: `${m[0].trim()}\n`, der, sha1Spaced: sha1.match(/../g)!.join(' '), subject: cert.subject.replace(/\n/g, ', ') };
}

export interface QrMatrix {
  readonly size: number;
  /** size x size modules, row by row, 1 = dark. */
  readonly data: Uint8Array;
  dark(x: number, y: number): boolean;
}

export function qrMatrix(text: string): QrMatrix {
  // A fixed mask skips scoring all eight (two thirds of the time at peak, thousands of
  // kits); any mask is valid and the tests decode the result with an independent reader.
  // One byte-mode segment: the library's search for the shortest mix of modes costs
  // more than the whole rest of a kit, and saves a few modules at most.
  const q = QR.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 2 });
  const { size, data } = q.modules;
  return { size, data, dark: (x, y) => data[y * size + x] === 1 };
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 1-bit greyscale PNG of the QR code: small, and fast enough for thousands of kits. */
export function qrPng(m: QrMatrix, scale = 5, margin = 4): Buffer {
  const px = (m.size + 2 * margin) * scale;
  const rowBytes = Math.ceil(px / 8);
  const stride = rowBytes + 1;
  // Start all white (bit 1 is white in greyscale), then clear the dark modules' bits.
  const raw = Buffer.alloc(stride * px, 0xff);
  for (let y = 0; y < px; y++) raw[y * stride] = 0; // filter byte: none
  const line = new Uint8Array(rowBytes);
  const { size, data } = m;
  for (let my = 0; my < size; my++) {
    line.fill(0xff);
    for (let mx = 0; mx < size; mx++) {
      if (data[my * size + mx] !== 1) continue;
      const x0 = (mx + margin) * scale;
      for (let x = x0; x < x0 + scale; x++) line[x >> 3] = line[x >> 3]! & ~(0x80 >> (x & 7));
    }
    const y0 = (my + margin) * scale;
    for (let y = y0; y < y0 + scale; y++) raw.set(line, y * stride + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(px, 0);
  ihdr.writeUInt32BE(px, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The same QR code as an inline SVG path (one rectangle per run of dark modules), for the sheet. */
export function qrSvg(m: QrMatrix, margin = 4): string {
  const n = m.size + 2 * margin;
  const { size, data } = m;
  let d = '';
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      if (data[row + x] !== 1) continue;
      let run = 1;
      while (x + run < size && data[row + x + run] === 1) run++;
      d += `M${x + margin} ${y + margin}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="180" height="180" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
