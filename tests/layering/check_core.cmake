# The engine's layering (CONTRIBUTING.md "Layout"): core/ is plain C++20 plus
# QtCore, so the CLI and the library never pull in a display stack, and its
# folders form a one-way stack:
#     util < graph < cost < {io, gen, layout, mip} < partition < bounds < cli
# A file may include its own folder and any folder of a lower rank; folders of
# one rank never include each other. Run by CTest as
# `cmake -DSOURCE_DIR=... -DCORE_LIBS=... -P check_core.cmake`; fails naming the
# file and line of every include of QtGui, QtWidgets, another GUI module, ui/ or
# app/ under core/, of every include against the stack (or of a folder missing
# from it), and every GUI library pipecut_core links.
if(NOT SOURCE_DIR)
    message(FATAL_ERROR "check_core.cmake: SOURCE_DIR is not set")
endif()

set(forbidden_include
    "^[ \t]*#[ \t]*include[ \t]*[<\"](Qt(Gui|Widgets|Svg|SvgWidgets|PrintSupport|OpenGL|OpenGLWidgets|Quick|Qml)/|ui/|app/|qcustomplot)")
# Rank of each folder of core/ (the allowed-edges table).
set(rank_util 0)
set(rank_graph 1)
set(rank_cost 2)
set(rank_io 3)
set(rank_gen 3)
set(rank_layout 3)
set(rank_mip 3)
set(rank_partition 4)
set(rank_bounds 5)
set(rank_cli 6)
set(core_include "^[ \t]*#[ \t]*include[ \t]*\"core/([^/\"]+)/")

set(violations "")
file(GLOB_RECURSE sources "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.cpp")
list(LENGTH sources count)
if(count EQUAL 0)
    message(FATAL_ERROR "check_core.cmake: no sources under ${SOURCE_DIR}/core")
endif()
foreach(source IN LISTS sources)
    file(STRINGS "${source}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
        math(EXPR number "${number} + 1")
        if(line MATCHES "${forbidden_include}")
            file(RELATIVE_PATH relative "${SOURCE_DIR}" "${source}")
            string(APPEND violations "\n  ${relative}:${number}: ${line}")
        elseif(line MATCHES "${core_include}")
            set(target "${CMAKE_MATCH_1}")
            file(RELATIVE_PATH relative "${SOURCE_DIR}" "${source}")
            string(REGEX REPLACE "^core/([^/]+)/.*" "\\1" folder "${relative}")
            if(NOT DEFINED rank_${folder})
                string(APPEND violations "\n  ${relative}:${number}: folder core/${folder} is not in the layer table")
            elseif(NOT DEFINED rank_${target})
                string(APPEND violations "\n  ${relative}:${number}: ${line} (core/${target} is not in the layer table)")
            elseif(NOT target STREQUAL folder AND NOT rank_${target} LESS rank_${folder})
                string(APPEND violations
                    "\n  ${relative}:${number}: ${line} (core/${folder} may not include core/${target})")
            endif()
        endif()
    endforeach()
endforeach()

foreach(library IN LISTS CORE_LIBS)
    if(library MATCHES "Gui|Widgets|Svg|PrintSupport|OpenGL|QCustomPlot|qcustomplot")
        string(APPEND violations "\n  pipecut_core links ${library}")
    endif()
endforeach()

if(violations)
    message(FATAL_ERROR "core/ must depend on QtCore at most, one way down its layers:${violations}")
endif()
list(LENGTH CORE_LIBS linked)
message(STATUS "core/: ${count} files, QtCore only, one-way layers; ${linked} libraries linked: ${CORE_LIBS}")
