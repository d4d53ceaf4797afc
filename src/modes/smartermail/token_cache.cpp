#include "check_mail/modes/smartermail/token_cache.hpp"

#include "check_mail/util/digest.hpp"
#include "check_mail/util/files.hpp"

namespace check_mail::modes::smartermail {

util::TokenCache api_token_cache(const std::string& directory, const std::string& account, const std::string& suffix) {
  const std::string file_name = "smartermail_" + util::sha256_hex(account).substr(0, 32) + suffix;
  // --statefile-dir may be a directory shared as Centreon's is (/tmp): used as it is.
  if (!directory.empty()) return {directory, file_name, util::CacheDirectory::as_given, kMaxTokenBytes};
  return {util::user_cache_directory(), file_name, util::CacheDirectory::private_to_user, kMaxTokenBytes};
}

}  // namespace check_mail::modes::smartermail
