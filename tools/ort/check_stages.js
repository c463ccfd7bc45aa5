// Round trip of a pipecut onnx-stages export with a real runtime: runs the
// whole model and the chained stage models (in pipeline.json's order) on the
// same seeded random inputs with ONNX Runtime (CPU) and compares every model
// output: float outputs within a relative difference (largest |a - b| over the
// largest |whole|) of 1e-5, integer and boolean outputs exactly.
//
//   NODE_PATH=<from tools/ort/install.sh> node tools/ort/check_stages.js MODEL.onnx DIR \
//       [--value NAME=NUMBER]... [--seed N] [--tolerance X] [--optimize 0]
//
// --value fills a model input with one number (Silero VAD's sample rate: sr=16000).
// --optimize 0 turns ONNX Runtime's graph optimisations off for the whole model
// and the stages, so both run the same kernels: for models whose outputs compare
// floats (M-LSD's local-maximum mask, Equal(x, MaxPool(x))), the rounding of a
// fusion that a cut prevents would otherwise flip mask elements.
// Exit status: 0 every output agrees; 1 a difference or a run error; 2 bad
// arguments; 3 onnxruntime-node cannot be loaded.
'use strict';

const stages = require('./stages.js');

async function main() {
    const args = stages.parseArgs(process.argv.slice(2), { seed: 1, tolerance: 1e-5, optimize: 1 }, 2,
        'usage: check_stages.js MODEL.onnx DIR [--value NAME=NUMBER]... [--seed N] [--tolerance X] [--optimize 0]');
    const ort = stages.loadOrt();
    const [model, dir] = args.positional;
    const pipeline = stages.readPipeline(dir);
    const feeds = stages.randomInputs(ort, pipeline, args.seed, stages.parseFixed(args.values));
    const options = { executionProviders: ['cpu'], intraOpNumThreads: 1 };
    if (!args.optimize)
        options.graphOptimizationLevel = 'disabled';
    const whole = await ort.InferenceSession.create(model, options);
    const expected = await whole.run(feeds);
    const sessions = await stages.openStages(ort, dir, pipeline, options);
    const got = await stages.runChain(pipeline, sessions, feeds);
    let failed = 0;
    for (const name of pipeline.model_outputs) {
        const d = got[name] ? stages.relativeDifference(got[name], expected[name]) : Infinity;
        const ok = d <= args.tolerance;
        failed += ok ? 0 : 1;
        console.log((ok ? 'ok   ' : 'FAIL ') + name + ' [' + expected[name].dims.join(', ') + '] ' + expected[name].type
            + ': relative difference ' + d.toExponential(2));
    }
    console.log(pipeline.stages.length + ' stage(s) of ' + pipeline.k + ' (skipped: '
        + (pipeline.skipped_stages.join(', ') || 'none') + '): ' + (failed ? failed + ' output(s) differ' : 'all outputs agree'));
    return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
    console.error('check_stages: ' + e.message);
    process.exit(e.exitCode || 1);
});
