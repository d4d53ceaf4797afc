#include "check_mail/net/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "check_mail/net/error.hpp"

namespace check_mail::transport {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const noexcept {
    if (list != nullptr) freeaddrinfo(list);
  }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoDeleter>;

// State shared between the waiting caller and the lookup thread. Held by shared_ptr so whichever
// side finishes last frees it: the caller may give up at the deadline while the thread still runs.
struct PendingLookup {
  std::string host;
  std::string service;
  addrinfo hints{};
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  int status = 0;
  int saved_errno = 0;
  AddrinfoList result;
};

std::string strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

int to_af(AddressFamily family) {
  switch (family) {
    case AddressFamily::ipv4: return AF_INET;
    case AddressFamily::ipv6: return AF_INET6;
    case AddressFamily::any: break;
  }
  return AF_UNSPEC;
}

std::string family_suffix(AddressFamily family) {
  switch (family) {
    case AddressFamily::ipv4: return " to an IPv4 address";
    case AddressFamily::ipv6: return " to an IPv6 address";
    case AddressFamily::any: break;
  }
  return "";
}

std::string gai_reason(int status, int saved_errno) {
  if (status == EAI_SYSTEM) return std::strerror(saved_errno);
  return gai_strerror(status);
}

// Runs getaddrinfo() on its own thread and waits for it no longer than the deadline. A lookup
// in time is joined (it has posted its result and is returning), so no thread is left running
// when the process exits; one past the deadline is detached: getaddrinfo cannot be cancelled.
AddrinfoList lookup_with_deadline(const std::string& host, const addrinfo& hints, const std::string& service,
                                  AddressFamily family, const Deadline& deadline) {
  auto pending = std::make_shared<PendingLookup>();
  pending->host = host;
  pending->service = service;
  pending->hints = hints;
  std::thread worker;
  try {
    worker = std::thread([pending] {
      addrinfo* list = nullptr;
      const int status = getaddrinfo(pending->host.c_str(), pending->service.c_str(), &pending->hints, &list);
      const int saved_errno = errno;
      const std::lock_guard lock(pending->mutex);
      pending->status = status;
      pending->saved_errno = saved_errno;
      pending->result.reset(list);
      pending->done = true;
      pending->finished.notify_all();
    });
  } catch (const std::system_error& e) {
    throw TransportError(ErrorKind::io, "cannot start host name lookup for '" + host + "': " + e.what());
  }

  std::unique_lock lock(pending->mutex);
  const bool in_time = pending->finished.wait_until(lock, deadline.end(), [&] { return pending->done; });
  lock.unlock();
  if (!in_time) {
    worker.detach();
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", deadline.elapsed_seconds());
    throw TransportError(ErrorKind::timeout,
                         "timeout after " + std::string(seconds) + " s resolving host name '" + host + "'");
  }
  worker.join();
  if (pending->status != 0) {
    throw TransportError(ErrorKind::dns, "cannot resolve host name '" + host + "'" + family_suffix(family) + ": " +
                                             gai_reason(pending->status, pending->saved_errno));
  }
  return std::move(pending->result);
}

}  // namespace

std::string ResolvedAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buffer, sizeof buffer);
  } else if (family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buffer, sizeof buffer);
  }
  return buffer;
}

bool is_ip_literal(std::string_view host) {
  const std::string bare = strip_brackets(host);
  in6_addr scratch{};
  return inet_pton(AF_INET, bare.c_str(), &scratch) == 1 || inet_pton(AF_INET6, bare.c_str(), &scratch) == 1;
}

std::vector<ResolvedAddress> resolve_host(std::string_view host_in, std::uint16_t port, AddressFamily family,
                                          const Deadline& deadline) {
  const std::string host = strip_brackets(host_in);
  if (host.empty()) throw TransportError(ErrorKind::config, "no host name given");

  addrinfo hints{};
  hints.ai_family = to_af(family);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV;
  const std::string service = std::to_string(port);

  AddrinfoList list;
  // Literal addresses need no lookup and no thread.
  addrinfo numeric_hints = hints;
  numeric_hints.ai_flags |= AI_NUMERICHOST;
  addrinfo* numeric = nullptr;
  const int numeric_status = getaddrinfo(host.c_str(), service.c_str(), &numeric_hints, &numeric);
  if (numeric_status == 0) {
    list.reset(numeric);
  } else if (is_ip_literal(host)) {
    // A literal of the wrong family (e.g. 127.0.0.1 with IPv6 forced).
    throw TransportError(ErrorKind::dns, "cannot resolve host name '" + host + "'" + family_suffix(family) + ": " +
                                             gai_strerror(numeric_status));
  } else {
    list = lookup_with_deadline(host, hints, service, family, deadline);
  }

  std::vector<ResolvedAddress> addresses;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) || ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    ResolvedAddress address;
    std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
    address.length = ai->ai_addrlen;
    address.family = ai->ai_family;
    addresses.push_back(address);
  }
  if (addresses.empty()) {
    throw TransportError(ErrorKind::dns,
                         "cannot resolve host name '" + host + "'" + family_suffix(family) + ": no usable address");
  }
  return addresses;
}

}  // namespace check_mail::transport
