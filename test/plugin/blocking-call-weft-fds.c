// RUN: %weft_verify %s
// The descriptors weft.h documents as non-blocking are taken as such: the
// socket weft_tcp_connect and weft_tcp_listen_name deliver to their
// continuation (as weft_accept's), and the one weft_udp_bind returns (as
// weft_tcp_listen's).  Another descriptor in the same function is not.
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <weft.h>

static async(void) use_conn(void *env, int fd) {
  int other = *(int *)env;
  char buf[16];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  n += send(fd, buf, 1, 0);
  n += read(fd, buf, 1);
  n += read(other, buf, 1); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return n < 0 ? weft_fail(-EIO) : weft_return(void);
}

async(void) dial(int *other) {
  return weft_bind(weft_tcp_connect("localhost", 80), use_conn, other);
}

async(void) dial_through_a_local(int *other) {
  async(int) c = weft_tcp_connect(NULL, 8080);
  return weft_bind(c, use_conn, other);
}

static async(void) use_listener(void *env, int fd) {
  (void)env;
  int c = accept(fd, NULL, NULL);
  return c < 0 ? weft_fail(-EIO) : weft_close(c);
}

async(void) serve(void) {
  return weft_bind(weft_tcp_listen_name("localhost", 0), use_listener, NULL);
}

static int port_of(void *env, int fd) {
  (void)env;
  char b;
  return (int)recv(fd, &b, 1, MSG_PEEK) + weft_tcp_port(fd);
}

async(int) mapped(void) {
  return weft_map(weft_tcp_connect("localhost", 80), port_of, NULL);
}

async(void) datagrams(int other) {
  int u = weft_udp_bind(NULL, 0);
  char buf[16];
  ssize_t n = recvfrom(u, buf, sizeof buf, 0, NULL, NULL);
  n += sendto(u, buf, 1, 0, NULL, 0);
  n += recvfrom(other, buf, sizeof buf, 0, NULL, NULL); // expected-warning {{call to 'recvfrom' blocks the event loop; use 'weft_recvfrom' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return n < 0 ? weft_fail(-EIO) : weft_return(void);
}

// A descriptor the program receives from elsewhere, say weft_file_open's
// regular file, is not known to be non-blocking.
static async(void) use_file(void *env, int fd) {
  (void)env;
  char buf[4];
  return read(fd, buf, 4) < 0 ? weft_fail(-EIO) : weft_return(void); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
}

async(void) file(void) {
  return weft_bind(weft_file_open("/etc/hosts", 0, 0), use_file, NULL);
}
