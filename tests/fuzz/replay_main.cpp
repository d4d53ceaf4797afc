// The main() of the replayers: runs a fuzz target's LLVMFuzzerTestOneInput over every file of
// the directories (and files) given, without libFuzzer, so any build (gcc, no sanitizer or the
// ASan+UBSan one) re-checks the seed corpus and the saved crashes under ctest.
//   replay_<target> DIR|FILE...
// A crash or a failed FUZZ_CHECK aborts; an unreadable or missing argument is an error too.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace fs = std::filesystem;

namespace {

// README.md and dot files document a directory; they are not inputs.
bool is_input(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] != '.' && name.rfind("README", 0) != 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code error;
    if (fs::is_directory(arg, error)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg))
        if (entry.is_regular_file() && is_input(entry.path())) files.push_back(entry.path());
    } else if (fs::is_regular_file(arg, error)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory: %s\n", argv[0], argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t bytes = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], file.c_str());
      return 2;
    }
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes += data.size();
    // A copy of exactly the file's size, so ASan sees any read past its end.
    std::vector<std::uint8_t> input(data.begin(), data.end());
    auto* buffer = new std::uint8_t[input.size()];
    std::copy(input.begin(), input.end(), buffer);
    LLVMFuzzerTestOneInput(buffer, input.size());
    delete[] buffer;
  }
  std::printf("%s: replayed %zu inputs (%zu bytes)\n", argv[0], files.size(), bytes);
  return 0;
}
