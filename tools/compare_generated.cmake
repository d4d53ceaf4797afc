# cmake -DGENERATOR=... -DKIND=man|icinga2 -DCOMMITTED=file -DOUTPUT=file -DTARGET=name -P compare_generated.cmake
# Fails when the committed file differs from what the generator prints, and says how to fix it.
execute_process(COMMAND ${GENERATOR} ${KIND} ${OUTPUT} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} ${KIND} failed (${result})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${COMMITTED} ${OUTPUT} RESULT_VARIABLE differs)
if(differs)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${COMMITTED} ${OUTPUT})
  endif()
  message(FATAL_ERROR "${COMMITTED} is not what the option declarations give (generated: ${OUTPUT}).\n"
    "Regenerate it with: cmake --build <build dir> --target ${TARGET}")
endif()
message(STATUS "${COMMITTED} is up to date")
