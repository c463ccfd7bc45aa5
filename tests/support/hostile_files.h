#pragma once
// Test support: generators of the hostile input classes of docs/reliability.md
// ("Hostile inputs"), shared by the hostile-input matrix, the hardening
// regression suite and the fuzzing seeds (fuzz/make_onnx_seeds.cpp writes the
// ONNX ones; the text ones are kept in fuzz/seeds/). Each returns the bytes of
// one file.

#include <string>

namespace pipecut::test::hostile {

// A valid four-node pipecut JSON graph ("a" -> "b", "c" -> "d").
std::string goodGraph();
// pipecut JSON with "nodes" twice (simdjson would concatenate or pick one).
std::string duplicateTopKeys();
// pipecut JSON whose node has "work" twice.
std::string duplicateNodeKeys();
// JSON with an integer beyond 2^64, in the dnn-partitioning dialect.
std::string hugeInteger();
// pipecut JSON with a lone surrogate escape in an id.
std::string loneSurrogate();
// pipecut JSON whose two nodes share an id holding a newline and a forged "error:" line.
std::string forgedErrorLine();
// DOT with one quoted label of `bytes` bytes (cgraph's lexer is quadratic in it).
std::string dotLongToken(size_t bytes);
// DOT whose one edge statement between two subgraphs of n nodes makes n^2 edges.
std::string dotEdgeProduct(int n);
// DOT with a '#' line directive naming another file, then a syntax error.
std::string dotLineDirective();
// DOT with a second graph after the first.
std::string dotTrailingGraph();
// DOT with an id that is not UTF-8.
std::string dotBadUtf8Id();
// PipeDream graph.txt with an id that is not UTF-8.
std::string pipedreamBadUtf8Id();
// ONNX: a model-local function that calls itself; with `mutual`, two that call each other.
std::string onnxRecursiveFunction(bool mutual);
// ONNX: an initializer with a negative dimension.
std::string onnxNegativeDimension();
// ONNX: `depth` nested If subgraphs (past protobuf's recursion limit at about 33).
std::string onnxNestedIf(int depth);

} // namespace pipecut::test::hostile
