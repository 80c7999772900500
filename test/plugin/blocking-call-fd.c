// RUN: %weft_verify %s
// read, recv, accept and connect block only on a blocking descriptor: the
// rule stays silent when the function shows the descriptor is non-blocking.
#define _GNU_SOURCE // accept4
#include <weft.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

async(ssize_t) unknown_fd(int fd, char *buf) {
  ssize_t n = read(fd, buf, 16); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += recv(fd, buf, 16, 0); // expected-warning {{call to 'recv' blocks the event loop; use 'weft_read' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  int c = accept(fd, NULL, NULL); // expected-warning {{call to 'accept' blocks the event loop; use 'weft_accept' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n + c);
}

async(ssize_t) after_fcntl(int fd, char *buf) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return weft_return(ssize_t, read(fd, buf, 16));
}

async(ssize_t) nonblocking_socket(char *buf) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c = accept4(s, NULL, NULL, SOCK_NONBLOCK);
  ssize_t n = recv(c, buf, 16, 0);
  return weft_return(ssize_t, n + read(s, buf, 1));
}

async(ssize_t) dontwait(int fd, char *buf) {
  return weft_return(ssize_t, recv(fd, buf, 16, MSG_DONTWAIT));
}

async(int) listener(void) {
  int l = weft_tcp_listen(NULL, 0);
  return weft_return(int, accept(l, NULL, NULL));
}
