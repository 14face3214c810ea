// The command line of a command that reads one capture file (decode, replay): its options plus
// the file as the one positional argument, --help, and the same errors for both.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>

namespace l2tpsim::app {

// Parses argv against `opts` and a positional FILE. Returns the exit status when the command
// should stop here (0 after --help, 2 after a usage error or no file, with the reason and the
// options on stderr); std::nullopt when it should go on with `file` and `vm` set.
std::optional<int> parse_file_command(const char* command,
                                      const boost::program_options::options_description& opts, int argc,
                                      char** argv, std::string& file,
                                      boost::program_options::variables_map& vm);

}  // namespace l2tpsim::app
