// Shared by check_stages.js (the round-trip test) and benchmarks/bench_stages.js:
// reading a pipecut onnx-stages folder (pipeline.json, docs/exports.md), making
// seeded random model inputs and running the stage models in order with ONNX
// Runtime for Node.js (onnxruntime-node, CPU provider; NODE_PATH from
// tools/ort/install.sh).
'use strict';

const fs = require('fs');
const path = require('path');

function loadOrt() {
    try {
        return require('onnxruntime-node');
    } catch (e) {
        const err = new Error('onnxruntime-node cannot be loaded (run tools/ort/install.sh and set NODE_PATH): ' + e.message);
        err.exitCode = 3;
        throw err;
    }
}

function readPipeline(dir) {
    const file = path.join(dir, 'pipeline.json');
    const p = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (p.format !== 'pipecut-onnx-stages')
        throw new Error(file + ': not a pipecut onnx-stages manifest');
    return p;
}

// mulberry32: a small seeded generator, so every run feeds the same inputs.
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const arrays = {
    float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
    uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
    bool: Uint8Array,
};

// Random inputs at the manifest's shapes: floats in [-1, 1), integers in [0, 4);
// `fixed` maps an input name to one value for every element (e.g. sr=16000).
function randomInputs(ort, pipeline, seed, fixed) {
    const next = rng(seed);
    const feeds = {};
    for (const input of pipeline.model_inputs) {
        if (!input.shape || input.shape.some((d) => d === null))
            throw new Error('model input ' + input.name + ' has an unknown shape: give its dimensions with --dim');
        const Array = arrays[input.type];
        if (!Array)
            throw new Error('model input ' + input.name + ' has type ' + input.type + ', which this script cannot fill');
        const n = input.shape.reduce((a, b) => a * b, 1);
        const data = new Array(n);
        for (let i = 0; i < n; ++i) {
            const v = input.name in fixed ? fixed[input.name] : input.type.startsWith('float') ? next() * 2 - 1 : Math.floor(next() * 4);
            data[i] = Array === BigInt64Array || Array === BigUint64Array ? BigInt(Math.round(v)) : v;
        }
        feeds[input.name] = new ort.Tensor(input.type, data, input.shape);
    }
    return feeds;
}

async function openStages(ort, dir, pipeline, options) {
    const sessions = [];
    for (const stage of pipeline.stages)
        sessions.push(await ort.InferenceSession.create(path.join(dir, stage.file), options));
    return sessions;
}

// Runs the stages in order; every tensor a stage produces is kept for the
// stages (and the model outputs) that read it. Returns the model outputs.
async function runChain(pipeline, sessions, feeds) {
    const tensors = Object.assign({}, feeds);
    for (let s = 0; s < sessions.length; ++s) {
        const stage = pipeline.stages[s];
        const input = {};
        for (const i of stage.inputs) {
            if (!(i.name in tensors))
                throw new Error('stage ' + stage.stage + ' needs ' + i.name + ', which no earlier stage produced');
            input[i.name] = tensors[i.name];
        }
        Object.assign(tensors, await sessions[s].run(input));
    }
    const out = {};
    for (const name of pipeline.model_outputs)
        out[name] = tensors[name];
    return out;
}

// Largest |a - b| over the largest |b| of the tensor (0 when equal); integers
// and booleans must match exactly (returned as 0 or Infinity).
function relativeDifference(a, b) {
    if (a.type !== b.type || a.data.length !== b.data.length || a.dims.join() !== b.dims.join())
        return Infinity;
    const exact = !a.type.startsWith('float');
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a.data.length; ++i) {
        if (exact) {
            if (a.data[i] !== b.data[i])
                return Infinity;
            continue;
        }
        const x = Number(a.data[i]);
        const y = Number(b.data[i]);
        if (Number.isNaN(x) !== Number.isNaN(y))
            return Infinity;
        diff = Math.max(diff, Math.abs(x - y));
        scale = Math.max(scale, Math.abs(y));
    }
    return diff === 0 ? 0 : diff / Math.max(scale, Number.MIN_VALUE);
}

// NAME=VALUE arguments of --value.
function parseFixed(values) {
    const fixed = {};
    for (const v of values) {
        const eq = v.indexOf('=');
        if (eq <= 0 || Number.isNaN(Number(v.slice(eq + 1))))
            throw new Error('--value needs NAME=NUMBER, not ' + v);
        fixed[v.slice(0, eq)] = Number(v.slice(eq + 1));
    }
    return fixed;
}

// Positional arguments, repeated --value NAME=NUMBER, and the numeric options
// named in `numbers` (their defaults); throws (exit status 2) with `usage`.
function parseArgs(argv, numbers, positional, usage) {
    const a = Object.assign({ positional: [], values: [] }, numbers);
    for (let i = 0; i < argv.length; ++i) {
        const option = argv[i].startsWith('--') ? argv[i].slice(2) : null;
        if (option === 'value' && i + 1 < argv.length)
            a.values.push(argv[++i]);
        else if (option !== null && option in numbers && i + 1 < argv.length && !Number.isNaN(Number(argv[i + 1])))
            a[option] = Number(argv[++i]);
        else if (option !== null)
            throw Object.assign(new Error('unknown or incomplete option ' + argv[i] + '\n' + usage), { exitCode: 2 });
        else
            a.positional.push(argv[i]);
    }
    if (a.positional.length !== positional)
        throw Object.assign(new Error(usage), { exitCode: 2 });
    return a;
}

module.exports = {
    parseArgs, loadOrt, readPipeline, randomInputs, openStages, runChain, relativeDifference, parseFixed };
