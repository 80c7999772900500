/* resolve.c: weft_getaddrinfo, weft_tcp_connect and the listens on names, with names that need no DNS server.
 * Proves: localhost, numeric addresses and an /etc/hosts entry resolve on the pool; a name that cannot resolve (an empty
 * label, which glibc refuses without asking DNS) fails with WEFT_EAI(EAI_NONAME) and weft_strerror's text; weft_tcp_listen
 * takes "localhost" and "" and refuses other names; weft_tcp_listen_name takes names; weft_tcp_connect tries each address
 * in turn (the first refused), fails with the last address's error, and a cancelled connect leaks no socket. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static int family_of(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  CHECK_SYS(getsockname(fd, (struct sockaddr *)&ss, &len));
  return ss.ss_family;
}

/* Whether fd is bound to a loopback address (127.0.0.0/8 or ::1), or to the
 * wildcard (0.0.0.0 or ::). */
static bool bound_to(int fd, bool loopback) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  CHECK_SYS(getsockname(fd, (struct sockaddr *)&ss, &len));
  if (ss.ss_family == AF_INET) {
    uint32_t a = ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
    return loopback ? (a >> 24) == 127 : a == INADDR_ANY;
  }
  const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;
  return loopback ? IN6_IS_ADDR_LOOPBACK(a6) : IN6_IS_ADDR_UNSPECIFIED(a6);
}

static const char *text_of(const struct addrinfo *ai, char *buf, size_t size) {
  const void *a = ai->ai_family == AF_INET ? (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr
                                           : (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
  CHECK_TRUE(inet_ntop(ai->ai_family, a, buf, (socklen_t)size) != NULL);
  return buf;
}

/* The first address of host, as text, or "" if it fails. */
static int resolve(const char *host, const char *service, int family, int flags, char *first, size_t size) {
  struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = flags};
  void *list = NULL;
  int rc = weft_run(weft_getaddrinfo(host, service, &hints), &list);
  first[0] = '\0';
  if (rc == 0) {
    CHECK_TRUE(list != NULL);
    text_of(list, first, size);
    freeaddrinfo(list);
  }
  return rc;
}

/* A name /etc/hosts gives an address to, other than localhost, or NULL. */
static char *hosts_entry(char *name, size_t size) {
  FILE *f = fopen("/etc/hosts", "r");
  char line[512];
  if (f == NULL) return NULL;
  while (fgets(line, sizeof line, f)) {
    char addr[128], host[256];
    if (line[0] == '#' || sscanf(line, "%127s %255s", addr, host) != 2) continue;
    if (strcmp(host, "localhost") == 0 || strncmp(addr, "127.", 4) != 0) continue;
    snprintf(name, size, "%s", host);
    fclose(f);
    return name;
  }
  fclose(f);
  return NULL;
}

static void lookups(void) {
  char first[64], name[256];
  CHECK_INT_EQ(resolve("localhost", "80", AF_INET, 0, first, sizeof first), 0);
  CHECK_STR_EQ(first, "127.0.0.1");
  CHECK_INT_EQ(resolve("127.0.0.1", "http", AF_UNSPEC, AI_NUMERICHOST, first, sizeof first), 0);
  CHECK_STR_EQ(first, "127.0.0.1");
  CHECK_INT_EQ(resolve("::1", "80", AF_INET6, AI_NUMERICHOST, first, sizeof first), 0);
  CHECK_STR_EQ(first, "::1");
  if (hosts_entry(name, sizeof name) != NULL) {
    CHECK_INT_EQ(resolve(name, "80", AF_INET, 0, first, sizeof first), 0);
    printf("resolve: /etc/hosts gives %s for %s\n", first, name);
    CHECK_TRUE(strncmp(first, "127.", 4) == 0);
  } else {
    puts("resolve: /etc/hosts has no other loopback name; that case is skipped");
  }

  int rc = resolve("weft..invalid", "80", AF_UNSPEC, 0, first, sizeof first);
  CHECK_INT_EQ(rc, WEFT_EAI(EAI_NONAME));
  printf("resolve: weft..invalid: %s\n", weft_strerror(rc));
  CHECK_STR_EQ(weft_strerror(rc), gai_strerror(EAI_NONAME));
  CHECK_STR_EQ(weft_strerror(-ECONNREFUSED), strerror(ECONNREFUSED));
  CHECK_INT_EQ(resolve("localhost", "no-such-service-weft", AF_UNSPEC, 0, first, sizeof first),
               WEFT_EAI(EAI_SERVICE));
  void *list = NULL;
  CHECK_INT_EQ(weft_run(weft_getaddrinfo(NULL, NULL, NULL), &list), WEFT_EAI(EAI_NONAME));
  /* NULL hints: getaddrinfo's defaults (every socket type). */
  CHECK_INT_EQ(weft_run(weft_getaddrinfo("localhost", "80", NULL), &list), 0);
  freeaddrinfo(list);
  puts("resolve: localhost, numeric, /etc/hosts, and clear failures");
}

/* ---- listening on names ------------------------------------------------ */

static void listens(void) {
  int fd = weft_tcp_listen("localhost", 0);
  CHECK_INT_GE(fd, 0);
  CHECK_INT_GT(weft_tcp_port(fd), 0);
  CHECK_INT_EQ(family_of(fd), AF_INET);
  close(fd);
  fd = weft_tcp_listen("", 0);
  CHECK_INT_GE(fd, 0);
  close(fd);
  CHECK_INT_EQ(weft_tcp_listen("example.com", 0), -EINVAL); /* a name to resolve: not here */
  CHECK_INT_EQ(weft_run(weft_tcp_listen_name("localhost", 0), &fd), 0);
  CHECK_INT_GT(weft_tcp_port(fd), 0);
  CHECK_TRUE(bound_to(fd, true));
  close(fd);
  /* NULL is "localhost", as for weft_tcp_listen; "" is every local address. */
  CHECK_INT_EQ(weft_run(weft_tcp_listen_name(NULL, 0), &fd), 0);
  CHECK_TRUE(bound_to(fd, true));
  close(fd);
  CHECK_INT_EQ(weft_run(weft_tcp_listen_name("", 0), &fd), 0);
  CHECK_TRUE(bound_to(fd, false));
  close(fd);
  CHECK_INT_EQ(weft_run(weft_tcp_listen_name("weft..invalid", 0), &fd), WEFT_EAI(EAI_NONAME));
  CHECK_INT_EQ(weft_run(weft_tcp_listen_name("localhost", 70000), &fd), -EINVAL);
  puts("resolve: weft_tcp_listen takes localhost and \"\"; weft_tcp_listen_name takes names");
}

/* ---- connecting: each address in turn -------------------------------- */

struct conn {
  int listener, client, server;
  char got[8];
};

static async(void) got_byte(struct conn *c, char *s) {
  snprintf(c->got, sizeof c->got, "%s", s);
  return weft_return(void);
}

static async(void) read_one(struct conn *c, int fd) {
  c->server = fd;
  return weft_bind(weft_read(fd, 8), got_byte, c);
}

static async(void) send_one(struct conn *c, int fd) {
  c->client = fd;
  return weft_write(fd, "!", 1);
}

static void connect_in_turn(void) {
  /* getaddrinfo's NULL host is the loopback addresses of both families,
   * no lookup needed.  The listener takes the family of the second one,
   * so the first is refused and the connect must go on to the next. */
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *list;
  CHECK_INT_EQ(getaddrinfo(NULL, "1", &hints, &list), 0);
  int second = list->ai_next != NULL ? list->ai_next->ai_family : list->ai_family;
  bool two = list->ai_next != NULL;
  freeaddrinfo(list);
  struct conn c = {.client = -1, .server = -1};
  c.listener = weft_tcp_listen(second == AF_INET ? "127.0.0.1" : "::1", 0);
  CHECK_INT_GE(c.listener, 0);
  int port = weft_tcp_port(c.listener);
  async(void) client = weft_bind(weft_tcp_connect(NULL, port), send_one, &c);
  async(void) server = weft_bind(weft_accept(c.listener), read_one, &c);
  CHECK_INT_EQ(weft_run(weft_join(client, server), NULL), 0);
  CHECK_STR_EQ(c.got, "!");
  CHECK_INT_EQ(family_of(c.client), second);
  CHECK_TRUE(test_fd_nonblocking(c.client));
  CHECK_TRUE(fcntl(c.client, F_GETFD) & FD_CLOEXEC);
  printf("resolve: connect to the loopback addresses: %s\n",
         two ? "the first refused, the second connected" : "one address only (no IPv6), connected");
  close(c.client);
  close(c.server);

  /* By name, to the listener's family. */
  int fd = -1;
  if (second == AF_INET) {
    CHECK_INT_EQ(weft_run(weft_tcp_connect("localhost", port), &fd), 0);
    close(fd);
    int s = -1;
    CHECK_INT_EQ(weft_run(weft_accept(c.listener), &s), 0);
    close(s);
  }
  close(c.listener);
  /* Nobody listens now: every address refuses, and the last one's error is the failure. */
  CHECK_INT_EQ(weft_run(weft_tcp_connect(NULL, port), &fd), -ECONNREFUSED);
  CHECK_INT_EQ(weft_run(weft_tcp_connect("weft..invalid", port), &fd), WEFT_EAI(EAI_NONAME));
  CHECK_INT_EQ(weft_run(weft_tcp_connect("localhost", -1), &fd), -EINVAL);
  puts("resolve: weft_tcp_connect tries each address in turn");
}

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  CHECK_TRUE(d != NULL);
  int n = 0;
  while (readdir(d) != NULL) n++;
  closedir(d);
  return n;
}

/* A connect cancelled half way closes its socket.  The listener's backlog
 * is kept full (it never accepts), so the next connect waits for its SYN
 * to be answered. */
static void connect_cancelled(void) {
  int l = weft_tcp_listen("127.0.0.1", 0);
  CHECK_INT_GE(l, 0);
  CHECK_SYS(listen(l, 0));
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)weft_tcp_port(l))};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int filler[4];
  for (int i = 0; i < 4; i++) {
    filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_SYS(filler[i]);
    connect(filler[i], (struct sockaddr *)&a, sizeof a);
  }
  int before = count_fds();
  int fd = -2;
  int rc = weft_run(weft_timeout(weft_tcp_connect("127.0.0.1", weft_tcp_port(l)), 50), &fd);
  printf("resolve: a connect to a full backlog under weft_timeout: %s\n", weft_strerror(rc));
  if (rc == 0) close(fd); /* the kernel answered after all: nothing to cancel */
  else CHECK_INT_EQ(rc, -ETIMEDOUT);
  CHECK_INT_EQ(count_fds(), before);
  for (int i = 0; i < 4; i++) close(filler[i]);
  close(l);
}

int main(void) {
  lookups();
  listens();
  connect_in_turn();
  connect_cancelled();
  puts("resolve: ok");
  return 0;
}
