# Install rules and the Debian package (CPack), included from the top-level
# CMakeLists.txt after the executables are defined (app/ installs them).
#
#   cmake --build build/release --target package   ->  build/release/pipecut_<version>_<arch>.deb
#
# Runtime library dependencies are computed by dpkg-shlibdeps (dpkg-dev, pulled
# in by build-essential); only what no ELF file links is listed by hand.
# packaging/test_package.sh builds, unpacks and runs the package.
include(GNUInstallDirs)

set(PIPECUT_APP_ID io.github.pipecut.pipecut)
set(PIPECUT_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})

# Man pages, compressed as Debian policy wants (gzip -9n: no name, no timestamp).
find_program(PIPECUT_GZIP gzip REQUIRED)
set(PIPECUT_MAN_PAGES pipecut-cli.1)
if(PIPECUT_BUILD_UI)
    list(APPEND PIPECUT_MAN_PAGES pipecut.1)
endif()
set(PIPECUT_MAN_OUTPUTS)
foreach(page ${PIPECUT_MAN_PAGES})
    set(out ${PROJECT_BINARY_DIR}/packaging/${page}.gz)
    add_custom_command(OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
        COMMAND ${PIPECUT_GZIP} -9n -c ${PIPECUT_PACKAGING_DIR}/${page} > ${out}
        DEPENDS ${PIPECUT_PACKAGING_DIR}/${page}
        COMMENT "Compressing man page ${page}"
        VERBATIM)
    list(APPEND PIPECUT_MAN_OUTPUTS ${out})
endforeach()
add_custom_target(pipecut_man_pages ALL DEPENDS ${PIPECUT_MAN_OUTPUTS})
install(FILES ${PIPECUT_MAN_OUTPUTS} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Desktop integration for the explorer.
if(PIPECUT_BUILD_UI)
    install(FILES ${PIPECUT_PACKAGING_DIR}/${PIPECUT_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${PIPECUT_PACKAGING_DIR}/${PIPECUT_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
    install(FILES ${PIPECUT_PACKAGING_DIR}/${PIPECUT_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
endif()

# The bundled example model and the copyright file.
install(FILES ${PROJECT_SOURCE_DIR}/resources/examples/bert_l-3_inference.json
    DESTINATION ${CMAKE_INSTALL_DATADIR}/pipecut/examples)
install(FILES ${PIPECUT_PACKAGING_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The sweep runner recipes (docs/sweeps.md).
install(PROGRAMS ${PIPECUT_PACKAGING_DIR}/cluster/sweep.sbatch ${PIPECUT_PACKAGING_DIR}/cluster/sweep-parallel.sh
    DESTINATION ${CMAKE_INSTALL_DATADIR}/pipecut/cluster)
install(FILES ${PIPECUT_PACKAGING_DIR}/cluster/sweep-job.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/pipecut/cluster)

# --- CPack: one .deb
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pipecut)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "pipecut")
set(CPACK_PACKAGE_CONTACT "pipecut maintainers <maintainers@users.noreply.r-seed-415e4ccc.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "cut a neural network into pipeline stages, with proven bounds")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # pipecut_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The explorer needs a Qt platform plugin (xcb, wayland) that no binary links.
if(PIPECUT_BUILD_UI)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")
# The extended description; CPack puts the summary first, indents every line
# and turns the empty line into " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "pipecut loads the operator graph of a deep neural network (ONNX, pipecut JSON,
Graphviz DOT, PipeDream, Piper or Microsoft dnn-partitioning files) and cuts it
into k pipeline stages for pipelined inference, minimising the bottleneck stage
time including communication between stages.

The explorer draws the graph with each stage in its own colour, lets you drag
operators between stages, and shows the bottleneck next to a proven lower bound
computed with mixed-integer programming (COIN-OR CBC). pipecut-cli runs the
same engine headless and exports stage boundaries for PyTorch pipelining,
DeepSpeed, dnn-partitioning, CSV and Google's Model Explorer.")
include(CPack)
