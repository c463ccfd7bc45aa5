#!/usr/bin/env node
// Profiles an ONNX model with ONNX Runtime for Node.js (onnxruntime-node from
// tools/ort/install.sh; run with NODE_PATH set to the folder it prints) and
// writes the runtime's profile JSON (the enableProfiling output: one
// "kernel_time" event per node and run, with the shapes the runtime saw).
//
//   node tools/ort/profile.js MODEL.onnx OUT.json [--runs N] [--dim NAME=VALUE]...
//        [--fill INPUT=VALUE]... [--seed S] [--compact]
//
// Session: 1 intra-op and 1 inter-op thread, graph optimisations disabled (so
// the node names are the model's), CPU provider. Inputs are random (a seeded
// generator): floats uniform in [-1, 1), integers 0 or 1, booleans false;
// --fill sets every element of one input (Silero VAD's sample rate: sr=16000).
// A symbolic dimension takes its --dim value, else 1; an anonymous one is
// named INPUT:AXIS as in pipecut. One warm-up run is profiled too (the
// importer averages the runs). --compact keeps only the kernel_time events
// and their op_name, provider and shapes (small files for test data).
// Exit status: 0 written; 2 usage; 3 the model
// does not load or run; 1 anything else.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

function usage(message) {
    process.stderr.write(`profile.js: ${message}\n`
        + 'usage: node tools/ort/profile.js MODEL.onnx OUT.json [--runs N] [--dim NAME=VALUE]... [--fill INPUT=VALUE]... [--seed S] [--compact]\n');
    process.exit(2);
}

function parseArgs(argv) {
    const o = { runs: 10, dims: {}, fill: {}, seed: 1, positional: [] };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
        if (a === '--compact') {
            o.compact = true;
        } else if (a === '--runs') {
            o.runs = Number(next());
            if (!Number.isInteger(o.runs) || o.runs < 1)
                usage('--runs needs a positive whole number');
        } else if (a === '--seed') {
            o.seed = Number(next());
        } else if (a === '--dim' || a === '--fill') {
            const d = next();
            const eq = d.lastIndexOf('=');
            const v = Number(d.slice(eq + 1));
            if (eq <= 0 || !Number.isFinite(v) || (a === '--dim' && (!Number.isInteger(v) || v <= 0)))
                usage(`${a} needs NAME=VALUE${a === '--dim' ? ' with a positive whole VALUE' : ''}, not '${d}'`);
            (a === '--dim' ? o.dims : o.fill)[d.slice(0, eq)] = v;
        } else if (a.startsWith('--')) {
            usage(`unknown option ${a}`);
        } else {
            o.positional.push(a);
        }
    }
    if (o.positional.length !== 2)
        usage('needs MODEL.onnx and OUT.json');
    return o;
}

// mulberry32: a small seeded generator, so profiles are reproducible.
function generator(seed) {
    let s = seed >>> 0;
    return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function randomTensor(ort, meta, dims, fill, random) {
    const shape = meta.shape.map((d, axis) => {
        if (typeof d === 'number' && d >= 0)
            return d;
        const name = typeof d === 'string' && d !== '' ? d : `${meta.name}:${axis}`;
        return dims[name] !== undefined ? dims[name] : 1;
    });
    const n = shape.reduce((a, b) => a * b, 1);
    const type = meta.type;
    const value = fill[meta.name];
    if (value !== undefined)
        random = () => value;
    if (type === 'float32' || type === 'float64') {
        const data = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; ++i)
            data[i] = value !== undefined ? value : random() * 2 - 1;
        return new ort.Tensor(type, data, shape);
    }
    if (type === 'int64') {
        const data = new BigInt64Array(n);
        for (let i = 0; i < n; ++i)
            data[i] = BigInt(value !== undefined ? Math.trunc(value) : random() < 0.5 ? 0 : 1);
        return new ort.Tensor(type, data, shape);
    }
    if (type === 'int32') {
        const data = new Int32Array(n);
        for (let i = 0; i < n; ++i)
            data[i] = value !== undefined ? Math.trunc(value) : random() < 0.5 ? 0 : 1;
        return new ort.Tensor(type, data, shape);
    }
    if (type === 'bool')
        return new ort.Tensor(type, new Uint8Array(n), shape);
    throw new Error(`input '${meta.name}' has type ${type}, which this script does not generate`);
}

async function main() {
    const o = parseArgs(process.argv.slice(2));
    const [model, out] = o.positional;
    let ort;
    try {
        ort = require('onnxruntime-node');
    } catch (e) {
        process.stderr.write('profile.js: onnxruntime-node not found: run tools/ort/install.sh and set NODE_PATH\n');
        process.exit(3);
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pipecut-ort-'));
    let session;
    try {
        session = await ort.InferenceSession.create(model, {
            executionProviders: ['cpu'],
            intraOpNumThreads: 1,
            interOpNumThreads: 1,
            executionMode: 'sequential',
            graphOptimizationLevel: 'disabled',
            enableProfiling: true,
            profileFilePrefix: path.join(work, 'profile'),
        });
    } catch (e) {
        process.stderr.write(`profile.js: ${model}: cannot load: ${e.message}\n`);
        process.exit(3);
    }
    const random = generator(o.seed);
    const feeds = {};
    for (const meta of session.inputMetadata)
        feeds[meta.name] = randomTensor(ort, meta, o.dims, o.fill, random);
    try {
        for (let r = 0; r < o.runs; ++r)
            await session.run(feeds);
    } catch (e) {
        process.stderr.write(`profile.js: ${model}: run failed: ${e.message}\n`);
        process.exit(3);
    }
    session.endProfiling();
    await session.release();
    const written = fs.readdirSync(work).filter((f) => f.endsWith('.json'));
    if (written.length !== 1) {
        process.stderr.write(`profile.js: the runtime wrote ${written.length} profile files\n`);
        process.exit(1);
    }
    if (o.compact) {
        const keep = ['op_name', 'provider', 'input_type_shape', 'output_type_shape'];
        const events = JSON.parse(fs.readFileSync(path.join(work, written[0]), 'utf8'))
            .filter((e) => e.cat === 'Node' && String(e.name).endsWith('_kernel_time'))
            .map((e) => ({
                cat: e.cat, name: e.name, ph: e.ph, ts: e.ts, dur: e.dur,
                args: Object.fromEntries(keep.filter((k) => e.args && k in e.args).map((k) => [k, e.args[k]])),
            }));
        fs.writeFileSync(out, '[\n' + events.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n');
    } else {
        fs.copyFileSync(path.join(work, written[0]), out);
    }
    fs.rmSync(work, { recursive: true, force: true });
    process.stdout.write(`profile.js: ${out} (${o.runs} runs)\n`);
}

main().catch((e) => {
    process.stderr.write(`profile.js: ${e.stack || e}\n`);
    process.exit(1);
});
