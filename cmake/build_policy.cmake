# Build policy in one place: every pipecut target links `pipecut_build_policy`
# privately (pipecut_policy(TARGET)), so warnings, sanitizers and Qt's safety
# defines are a property of our code, not of whatever includes this project.
#
# - Warnings: -Wall -Wextra (-Wno-missing-field-initializers: designated
#   initialisers of NodeSpec leave fields out on purpose; -Wno-restrict: GCC 12
#   false positives inside libstdc++ string code). PIPECUT_WERROR adds -Werror.
# - PIPECUT_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer, compile and link.
# - PIPECUT_FUZZ: coverage instrumentation for libFuzzer (clang only).
# - Qt: QT_NO_CONTEXTLESS_CONNECT (a connect() to a lambda needs a context
#   object; the macro takes effect from Qt 6.7 on) everywhere, and
#   QT_NO_CAST_FROM_ASCII on product code (pipecut_policy(TARGET STRICT)): text
#   becomes a QString only through QStringLiteral, QLatin1String or fromUtf8.
add_library(pipecut_build_policy INTERFACE)
target_compile_options(pipecut_build_policy INTERFACE
    -Wall -Wextra -Wno-missing-field-initializers -Wno-restrict
    $<$<BOOL:${PIPECUT_WERROR}>:-Werror>)
target_compile_definitions(pipecut_build_policy INTERFACE QT_NO_CONTEXTLESS_CONNECT)
if(PIPECUT_SANITIZE)
    target_compile_options(pipecut_build_policy INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(pipecut_build_policy INTERFACE -fsanitize=address,undefined)
endif()
if(PIPECUT_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "PIPECUT_FUZZ needs clang (cmake --preset fuzz uses clang++-14)")
    endif()
    target_compile_options(pipecut_build_policy INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined -Wno-unknown-warning-option)
    target_link_options(pipecut_build_policy INTERFACE -fsanitize=address,undefined)
endif()

add_library(pipecut_build_policy_strict INTERFACE)
target_link_libraries(pipecut_build_policy_strict INTERFACE pipecut_build_policy)
target_compile_definitions(pipecut_build_policy_strict INTERFACE QT_NO_CAST_FROM_ASCII)

# pipecut_policy(TARGET [STRICT])
function(pipecut_policy target)
    if("STRICT" IN_LIST ARGN)
        target_link_libraries(${target} PRIVATE pipecut_build_policy_strict)
    else()
        target_link_libraries(${target} PRIVATE pipecut_build_policy)
    endif()
endfunction()
