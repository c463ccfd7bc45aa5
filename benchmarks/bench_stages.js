// Times a pipecut onnx-stages export with ONNX Runtime for Node.js (CPU):
//   1. predicted stage work: the whole model run with ONNX Runtime's profiler
//      (1 thread), each node's kernel time summed per stage through the node
//      names in pipeline.json; the stage's share of the profiled kernel time
//      times the whole model's median CPU time (profiling slows kernels down).
//      This stands in for pipecut's own import of ONNX Runtime profiles: a
//      profile-costed graph predicts a stage as the sum of its nodes' times;
//   2. measured stage time: each stage model alone, 1 thread, median CPU time
//      of runs (process CPU time, robust on a busy machine), fed the tensors a
//      chained run produced;
//   3. a pipelined run: one worker thread per stage (each its own session,
//      1 intra-op thread), tensors handed over in memory (transferred
//      ArrayBuffers), requests streamed with k + 1 in flight; throughput
//      against 1/T, T the largest predicted stage time.
//
//   NODE_PATH=<from tools/ort/install.sh> node benchmarks/bench_stages.js MODEL.onnx DIR \
//       [--runs N] [--requests N] [--value NAME=NUMBER]...
// benchmarks/bench_stages.sh runs it for every real model at k = 2 and 4.
'use strict';

const path = require('path');
const fs = require('fs');
const os = require('os');
const { Worker, isMainThread, parentPort, workerData, MessageChannel } = require('worker_threads');
const stages = require(path.join(__dirname, '..', 'tools', 'ort', 'stages.js'));

const oneThread = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };

function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Median wall and CPU milliseconds of one run (after 3 warm-up runs). With
// one intra-op thread the process CPU time of a run is the run's own work, so
// it stays meaningful on a machine other processes keep busy.
async function timeRuns(session, feeds, runs) {
    for (let i = 0; i < 3; ++i)
        await session.run(feeds);
    const wall = [];
    const cpu = [];
    for (let i = 0; i < runs; ++i) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await session.run(feeds);
        wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
    }
    return { wall: median(wall), cpu: median(cpu) };
}

// Each stage's share of the whole model's kernel time, from ONNX Runtime's
// profile of the whole model (the first run, which allocates, left out).
// Kernels are matched to stages by node name, NCHWc kernels (named after their
// output) by the tensor they produce; a kernel ONNX Runtime created (layout
// reorders) counts for the stage of the kernel run just before it.
async function profileShares(ort, model, pipeline, feeds, runs) {
    const prefix = path.join(os.tmpdir(), 'pipecut-bench-stages-' + process.pid);
    const session = await ort.InferenceSession.create(model, Object.assign({}, oneThread, { enableProfiling: true, profileFilePrefix: prefix }));
    for (let i = 0; i <= runs; ++i)
        await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = fs.readdirSync(os.tmpdir()).map((f) => path.join(os.tmpdir(), f)).find((f) => f.startsWith(prefix));
    const events = JSON.parse(fs.readFileSync(file, 'utf8')).sort((a, b) => a.ts - b.ts);
    fs.unlinkSync(file);
    const firstRun = events.find((e) => e.name === 'model_run');
    const after = firstRun ? firstRun.ts + firstRun.dur : 0;
    const stageOf = new Map();
    const producedBy = new Map();
    pipeline.stages.forEach((s, i) => {
        s.node_names.forEach((n) => stageOf.set(n, i));
        s.produced.forEach((t) => producedBy.set(t, i));
    });
    const perStage = pipeline.stages.map(() => 0);
    let byPosition = 0;
    let total = 0;
    let current = 0;
    for (const e of events) {
        if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < after)
            continue;
        const name = e.name.slice(0, -'_kernel_time'.length);
        const nchwc = name.replace(/_nchwc$/, ''); // ONNX Runtime names those after their output
        if (stageOf.has(name))
            current = stageOf.get(name);
        else if (name !== nchwc && producedBy.has(nchwc))
            current = producedBy.get(nchwc);
        else
            byPosition += e.dur;
        perStage[current] += e.dur;
        total += e.dur;
    }
    return { shares: perStage.map((x) => x / total), byPosition: byPosition / total };
}

// --- the pipelined run -------------------------------------------------------

// Tensors as plain messages whose buffers move to the receiver; `copy` keeps
// the sender's own (the request inputs, sent again and again).
function pack(tensors, copy) {
    const out = {};
    const transfer = [];
    for (const [name, t] of Object.entries(tensors)) {
        let data = t.data;
        if (copy || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength)
            data = data.slice();
        out[name] = { type: t.type, dims: t.dims, data };
        transfer.push(data.buffer);
    }
    return { out, transfer };
}

async function workerMain() {
    const ort = stages.loadOrt();
    const { file, keep, inputNames } = workerData;
    const session = await ort.InferenceSession.create(file, oneThread);
    let next = null;
    parentPort.on('message', async (msg) => {
        if (msg.next) {
            next = msg.next;
            parentPort.postMessage({ ready: true });
            return;
        }
    });
    const inbox = workerData.first ? parentPort : null;
    const handle = async (msg) => {
        const tensors = {};
        for (const [name, t] of Object.entries(msg.tensors))
            tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
        const feeds = {};
        for (const n of inputNames)
            feeds[n] = tensors[n];
        Object.assign(tensors, await session.run(feeds));
        const forward = {};
        for (const n of keep)
            if (n in tensors)
                forward[n] = tensors[n];
        const { out, transfer } = pack(forward, false);
        next.postMessage({ id: msg.id, tensors: out }, transfer);
    };
    // Requests are handled one at a time, in order.
    let chain = Promise.resolve();
    const onRequest = (msg) => {
        if (msg.tensors)
            chain = chain.then(() => handle(msg));
    };
    if (inbox)
        inbox.on('message', onRequest);
    workerData.port.on('message', onRequest);
}

async function pipelined(pipeline, dir, feeds, requests) {
    const k = pipeline.stages.length;
    // What each stage must pass on: tensors any later stage or the model output reads.
    const keep = pipeline.stages.map((_, s) => {
        const later = new Set(pipeline.model_outputs);
        for (let t = s + 1; t < k; ++t)
            pipeline.stages[t].inputs.forEach((i) => later.add(i.name));
        return [...later];
    });
    const channels = pipeline.stages.map(() => new MessageChannel());
    const workers = pipeline.stages.map((stage, s) => new Worker(__filename, {
        workerData: { file: path.join(dir, stage.file), keep: keep[s], inputNames: stage.inputs.map((i) => i.name), first: s === 0, port: channels[s].port2 },
        transferList: [channels[s].port2],
    }));
    // Stage s sends to stage s + 1 through channel s + 1; the last one to this thread.
    const done = new MessageChannel();
    await Promise.all(workers.map((w, s) => new Promise((resolve, reject) => {
        w.once('error', reject);
        w.once('message', resolve);
        const next = s + 1 < k ? channels[s + 1].port1 : done.port2;
        w.postMessage({ next }, [next]);
    })));
    return new Promise((resolve) => {
        const warm = Math.min(3, requests - 1);
        let sent = 0;
        let finished = 0;
        let t0 = 0n;
        const send = () => {
            const { out, transfer } = pack(feeds, true);
            workers[0].postMessage({ id: sent++, tensors: out }, transfer);
        };
        done.port1.on('message', () => {
            ++finished;
            if (finished === warm)
                t0 = process.hrtime.bigint();
            if (finished === requests) {
                const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
                done.port1.close();
                workers.forEach((w) => w.terminate());
                resolve((requests - warm) / seconds);
                return;
            }
            if (sent < requests)
                send();
        });
        for (let i = 0; i < Math.min(k + 1, requests); ++i)
            send();
    });
}

// --- main --------------------------------------------------------------------

async function main() {
    const args = stages.parseArgs(process.argv.slice(2), { runs: 20, requests: 40 }, 2,
        'usage: bench_stages.js MODEL.onnx DIR [--runs N] [--requests N] [--value NAME=NUMBER]...');
    if (!(args.runs >= 1) || !(args.requests >= 2))
        throw Object.assign(new Error('--runs must be at least 1 and --requests at least 2'), { exitCode: 2 });
    const ort = stages.loadOrt();
    const [model, dir] = args.positional;
    const pipeline = stages.readPipeline(dir);
    const feeds = stages.randomInputs(ort, pipeline, 1, stages.parseFixed(args.values));

    const prof = await profileShares(ort, model, pipeline, feeds, args.runs);
    const whole = await ort.InferenceSession.create(model, oneThread);
    const wholeTime = await timeRuns(whole, feeds, args.runs);
    const wholeMs = wholeTime.cpu;
    await whole.release();
    // Profiling slows every kernel down: its shares scale the unprofiled whole-model time.
    const predicted = prof.shares.map((x) => x * wholeMs);

    // Each stage alone, fed what the chain gives it.
    const sessions = await stages.openStages(ort, dir, pipeline, oneThread);
    const tensors = Object.assign({}, feeds);
    const measured = [];
    for (let s = 0; s < sessions.length; ++s) {
        const input = {};
        for (const i of pipeline.stages[s].inputs)
            input[i.name] = tensors[i.name];
        measured.push((await timeRuns(sessions[s], input, args.runs)).cpu);
        Object.assign(tensors, await sessions[s].run(input));
    }
    await Promise.all(sessions.map((x) => x.release()));
    const throughput = await pipelined(pipeline, dir, feeds, args.requests);

    const name = path.basename(model, '.onnx');
    const fmt = (x) => x.toFixed(3);
    const ratio = (p, m) => (m > 0 ? (p / m).toFixed(2) : '-');
    console.log(`${name} k=${pipeline.k}: whole model ${fmt(wholeMs)} ms CPU, ${fmt(wholeTime.wall)} ms wall (medians of ${args.runs}, 1 thread); `
        + `${(100 * prof.byPosition).toFixed(1)} % of the profiled kernel time is in kernels ONNX Runtime created, counted by position`);
    console.log('| stage | operators | predicted ms | measured CPU ms | predicted/measured |');
    console.log('|---|---|---|---|---|');
    pipeline.stages.forEach((s, i) => console.log(`| ${s.stage} | ${s.operators} | ${fmt(predicted[i])} | ${fmt(measured[i])} | ${ratio(predicted[i], measured[i])} |`));
    const sumP = predicted.reduce((a, b) => a + b, 0);
    const sumM = measured.reduce((a, b) => a + b, 0);
    console.log(`| sum | | ${fmt(sumP)} | ${fmt(sumM)} | ${ratio(sumP, sumM)} |`);
    const T = Math.max(...predicted);
    console.log(`pipelined: ${throughput.toFixed(1)} requests/s measured, 1/T = ${(1000 / T).toFixed(1)} predicted`
        + ` (T = ${fmt(T)} ms), measured/predicted ${(throughput / (1000 / T)).toFixed(2)}; ${os.cpus().length} cores`);
}

if (isMainThread) {
    main().then(() => process.exit(0), (e) => {
        console.error('bench_stages: ' + e.message);
        process.exit(e.exitCode || 1);
    });
} else {
    workerMain();
}
