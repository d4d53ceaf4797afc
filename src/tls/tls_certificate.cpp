// Extracting the reportable facts from a peer certificate.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>

#include "tls_internal.hpp"

namespace check_mail::transport::tls_detail {
namespace {

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  // RFC 2253 order and escaping, but keep UTF-8 readable instead of \XX escapes.
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text = length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
  BIO_free(bio);
  return text;
}

struct Moment {
  std::string iso;
  std::int64_t epoch = 0;
};

Moment describe_time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return {};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return {buffer, static_cast<std::int64_t>(timegm(&tm))};
}

std::string serial_hex(const X509* certificate) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
  BIGNUM* number = serial != nullptr ? ASN1_INTEGER_to_BN(serial, nullptr) : nullptr;
  if (number == nullptr) return {};
  char* hex = BN_bn2hex(number);
  std::string text = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(number);
  return text;
}

std::vector<std::string> alt_names(X509* certificate) {
  std::vector<std::string> names;
  auto* list = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (list == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(list); ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(list, i);
    if (entry->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = entry->d.dNSName;
      names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                           static_cast<std::size_t>(ASN1_STRING_length(dns))));
    } else if (entry->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = entry->d.iPAddress;
      const unsigned char* bytes = ASN1_STRING_get0_data(ip);
      const int length = ASN1_STRING_length(ip);
      char text[64] = {};
      if (length == 4) {
        std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
      } else if (length == 16) {
        int pos = 0;
        for (int j = 0; j < 16; j += 2) {
          pos += std::snprintf(text + pos, sizeof text - static_cast<std::size_t>(pos), j == 0 ? "%x" : ":%x",
                               (bytes[j] << 8) | bytes[j + 1]);
        }
      }
      names.push_back(std::string("IP:") + text);
    }
  }
  GENERAL_NAMES_free(list);
  return names;
}

}  // namespace

CertificateInfo describe_certificate(X509* certificate) {
  CertificateInfo info;
  info.subject = name_to_string(X509_get_subject_name(certificate));
  info.issuer = name_to_string(X509_get_issuer_name(certificate));
  info.serial = serial_hex(certificate);
  info.subject_alt_names = alt_names(certificate);
  const Moment before = describe_time(X509_get0_notBefore(certificate));
  const Moment after = describe_time(X509_get0_notAfter(certificate));
  info.not_before = before.iso;
  info.not_before_epoch = before.epoch;
  info.not_after = after.iso;
  info.not_after_epoch = after.epoch;
  int days = 0;
  int seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(certificate)) == 1) {
    info.days_until_expiry = days + seconds / 86400.0;
  }
  return info;
}

}  // namespace check_mail::transport::tls_detail
