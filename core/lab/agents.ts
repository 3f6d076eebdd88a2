// The small programs the lab runs inside its namespaces: a listener that answers on every
// port the policy mentions (TCP accept, UDP echo), and a prober that tries a batch of
// flows from one namespace and reports what got through. Plain Node, no dependencies.

/** Listens on each TCP and UDP port; prints "ready" once all are bound. */
export const LISTENER = `
const net = require('node:net'), dgram = require('node:dgram');
const { tcp, udp, addresses } = JSON.parse(process.argv[1]);
// UDP answers must leave from the address that was asked, or NAT on the way back
// cannot match them: one socket per address and port.
let pending = tcp.length + udp.length * addresses.length;
const done = () => { if (--pending === 0) process.stdout.write('ready\\n'); };
for (const p of tcp) net.createServer((s) => s.end()).on('error', done).listen(p, '0.0.0.0', done);
for (const p of udp) for (const a of addresses) { const s = dgram.createSocket('udp4'); s.on('message', (m, r) => s.send(m, r.port, r.address)); s.on('error', done); s.bind(p, a, done); }
if (pending === 0) process.stdout.write('ready\\n');
`;

/** Tries every probe in parallel; prints one JSON array of booleans (got through or not). */
export const PROBER = `
const net = require('node:net'), dgram = require('node:dgram'), { execFile } = require('node:child_process');
const probes = JSON.parse(process.argv[1]);
const T = 700;
const tcp = (p) => new Promise((ok) => {
  const s = net.connect({ host: p.dst, port: p.port, localAddress: p.src, timeout: T });
  const end = (v) => { s.destroy(); ok(v); };
  s.on('connect', () => end(true)); s.on('timeout', () => end(false)); s.on('error', () => end(false));
});
const udp = (p) => new Promise((ok) => {
  const s = dgram.createSocket('udp4');
  const t = setTimeout(() => { s.close(); ok(false); }, T);
  s.on('message', () => { clearTimeout(t); s.close(); ok(true); });
  s.on('error', () => { clearTimeout(t); s.close(); ok(false); });
  s.bind(0, p.src, () => s.send('outpost-probe', p.port, p.dst));
});
const icmp = (p) => new Promise((ok) => execFile('ping', ['-c1', '-W1', '-I', p.src, p.dst], (e) => ok(!e)));
Promise.all(probes.map((p) => (p.proto === 'tcp' ? tcp(p) : p.proto === 'udp' ? udp(p) : icmp(p)))).then((r) => process.stdout.write(JSON.stringify(r)));
`;
