# The engine's layering (README "Layout"): core/ is plain C++20 plus QtCore, so
# the CLI and the library never pull in a display stack. Run by CTest as
# `cmake -DSOURCE_DIR=... -DCORE_LIBS=... -P check_core.cmake`; fails naming the
# file and line of every include of QtGui, QtWidgets, another GUI module, ui/ or
# app/ under core/, and every GUI library pipecut_core links.
if(NOT SOURCE_DIR)
    message(FATAL_ERROR "check_core.cmake: SOURCE_DIR is not set")
endif()

set(forbidden_include
    "^[ \t]*#[ \t]*include[ \t]*[<\"](Qt(Gui|Widgets|Svg|SvgWidgets|PrintSupport|OpenGL|OpenGLWidgets|Quick|Qml)/|ui/|app/|qcustomplot)")
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
        endif()
    endforeach()
endforeach()

foreach(library IN LISTS CORE_LIBS)
    if(library MATCHES "Gui|Widgets|Svg|PrintSupport|OpenGL|QCustomPlot|qcustomplot")
        string(APPEND violations "\n  pipecut_core links ${library}")
    endif()
endforeach()

if(violations)
    message(FATAL_ERROR "core/ must depend on QtCore at most:${violations}")
endif()
list(LENGTH CORE_LIBS linked)
message(STATUS "core/: ${count} files, QtCore only; ${linked} libraries linked: ${CORE_LIBS}")
