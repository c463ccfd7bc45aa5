#pragma once
// Whether this test binary runs under AddressSanitizer (the `asan` preset of
// test.sh), where everything is several times slower: suites with long loops
// take a lighter parameter set there instead of being skipped, and latency
// bounds get slack.

namespace pipecut::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif
#else
inline constexpr bool kUnderSanitizer = false;
#endif

} // namespace pipecut::test
