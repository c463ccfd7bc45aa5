#pragma once
// The top-level object of a small JSON file read with simdjson's DOM (device
// profiles, cluster descriptions), or an error naming the file.

#include "core/util/result.h"

#include <simdjson.h>

#include <string>

namespace pipecut {

// `parser` and `text` must outlive the object.
inline Result<simdjson::dom::object> parseJsonObject(
    simdjson::dom::parser &parser, const simdjson::padded_string &text, const std::string &name, const char *what)
{
    simdjson::dom::element root;
    if (auto error = parser.parse(text).get(root))
        return makeError(name + ": not valid JSON (" + simdjson::error_message(error) + ")");
    simdjson::dom::object object;
    if (root.get(object))
        return makeError(name + ": a " + what + " must be a JSON object");
    return object;
}

} // namespace pipecut
