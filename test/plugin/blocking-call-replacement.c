// RUN: %weft_verify %s
// Each family of blocking calls names its replacement: the worker pool's
// file primitives (open, positioned IO, fsync, stat), descriptor IO that
// may be a file (read, write: both names), stdio reads (the buffered
// reader), the async resolver, child processes, datagrams, and weft_detach for blocking calls with no primitive
// of their own.  An open with O_NONBLOCK (a FIFO or a device) is not warned.
#define _GNU_SOURCE
#include <weft.h>

#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

async(int) files(const char *path, char *buf, struct iovec *iov) {
  int fd = open(path, O_RDONLY); // expected-warning {{call to 'open' blocks the event loop; use 'weft_file_open' instead}}
  int d = openat(AT_FDCWD, path, O_RDWR | O_CREAT, 0644); // expected-warning {{call to 'openat' blocks the event loop; use 'weft_file_open' instead}}
  int c = creat(path, 0644); // expected-warning {{call to 'creat' blocks the event loop; use 'weft_file_open' instead}}
  int fifo = open(path, O_RDONLY | O_NONBLOCK);
  int fifo2 = openat(d, path, O_WRONLY | O_NONBLOCK);
  ssize_t n = pread(fd, buf, 8, 0); // expected-warning {{call to 'pread' blocks the event loop; use 'weft_file_read' instead}}
  n += preadv(fd, iov, 1, 0); // expected-warning {{call to 'preadv' blocks the event loop; use 'weft_file_read' instead}}
  n += pwrite(d, buf, 8, 0); // expected-warning {{call to 'pwrite' blocks the event loop; use 'weft_file_write' instead}}
  n += pwritev(d, iov, 1, 0); // expected-warning {{call to 'pwritev' blocks the event loop; use 'weft_file_write' instead}}
  n += fsync(d); // expected-warning {{call to 'fsync' blocks the event loop; use 'weft_file_fsync' instead}}
  n += fdatasync(d); // expected-warning {{call to 'fdatasync' blocks the event loop; use 'weft_file_fsync' instead}}
  sync(); // expected-warning {{call to 'sync' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  n += syncfs(d); // expected-warning {{call to 'syncfs' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  struct stat st;
  n += stat(path, &st); // expected-warning {{call to 'stat' blocks the event loop; use 'weft_file_stat' instead}}
  n += lstat(path, &st); // expected-warning {{call to 'lstat' blocks the event loop; use 'weft_file_stat' instead}}
  n += fstatat(d, path, &st, 0); // expected-warning {{call to 'fstatat' blocks the event loop; use 'weft_file_stat' instead}}
  return weft_return(int, (int)n + c + fifo + fifo2);
}

// read and write work on pipes and sockets (weft_read, weft_write) as on
// regular files (the pool's): the warning names both.
async(ssize_t) descriptors(int fd, char *buf, struct iovec *iov) {
  ssize_t n = read(fd, buf, 8); // expected-warning {{call to 'read' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += readv(fd, iov, 1); // expected-warning {{call to 'readv' blocks the event loop; use 'weft_read' instead, or 'weft_file_read' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += write(fd, buf, 8); // expected-warning {{call to 'write' blocks the event loop; use 'weft_write' instead, or 'weft_file_write' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += writev(fd, iov, 1); // expected-warning {{call to 'writev' blocks the event loop; use 'weft_write' instead, or 'weft_file_write' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

async(int) names(const char *host, struct sockaddr *sa, socklen_t len, char *out) {
  struct addrinfo *res = NULL;
  int r = getaddrinfo(host, "80", NULL, &res); // expected-warning {{call to 'getaddrinfo' blocks the event loop; use 'weft_getaddrinfo' instead}}
  struct hostent *h = gethostbyname(host); // expected-warning {{call to 'gethostbyname' blocks the event loop; use 'weft_getaddrinfo' instead}}
  h = gethostbyname2(host, AF_INET6); // expected-warning {{call to 'gethostbyname2' blocks the event loop; use 'weft_getaddrinfo' instead}}
  // Reverse lookups have no async resolver: the pool runs them.
  r += getnameinfo(sa, len, out, 64, NULL, 0, 0); // expected-warning {{call to 'getnameinfo' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  h = gethostbyaddr(sa, len, AF_INET); // expected-warning {{call to 'gethostbyaddr' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  return weft_return(int, r + (h != NULL));
}

async(int) processes(pid_t pid) {
  int st = system("true"); // expected-warning {{call to 'system' blocks the event loop; use 'weft_process_spawn' instead}}
  FILE *f = popen("true", "r"); // expected-warning {{call to 'popen' blocks the event loop; use 'weft_process_spawn' instead}}
  st += pclose(f); // expected-warning {{call to 'pclose' blocks the event loop; use 'weft_process_wait' instead}}
  st += wait(&st); // expected-warning {{call to 'wait' blocks the event loop; use 'weft_process_wait' instead}}
  st += waitpid(pid, &st, 0); // expected-warning {{call to 'waitpid' blocks the event loop; use 'weft_process_wait' instead}}
  st += wait3(&st, 0, NULL); // expected-warning {{call to 'wait3' blocks the event loop; use 'weft_process_wait' instead}}
  st += wait4(pid, &st, 0, NULL); // expected-warning {{call to 'wait4' blocks the event loop; use 'weft_process_wait' instead}}
  siginfo_t si;
  st += waitid(P_PID, (id_t)pid, &si, WEXITED); // expected-warning {{call to 'waitid' blocks the event loop; use 'weft_process_wait' instead}}
  return weft_return(int, st);
}

async(ssize_t) datagrams(int sock, char *buf, struct sockaddr *sa, socklen_t *len, struct msghdr *m,
                         struct mmsghdr *mm) {
  ssize_t n = recvfrom(sock, buf, 8, 0, sa, len); // expected-warning {{call to 'recvfrom' blocks the event loop; use 'weft_recvfrom' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += recvmsg(sock, m, 0); // expected-warning {{call to 'recvmsg' blocks the event loop; use 'weft_recvfrom' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += recvmmsg(sock, mm, 1, 0, NULL); // expected-warning {{call to 'recvmmsg' blocks the event loop; use 'weft_recvfrom' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += sendto(sock, buf, 8, 0, sa, *len); // expected-warning {{call to 'sendto' blocks the event loop; use 'weft_sendto' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += sendmsg(sock, m, 0); // expected-warning {{call to 'sendmsg' blocks the event loop; use 'weft_sendto' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  n += sendmmsg(sock, mm, 1, 0); // expected-warning {{call to 'sendmmsg' blocks the event loop; use 'weft_sendto' instead}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(ssize_t, n);
}

// Stdio reads: lines and records through the buffered reader, bytes
// through weft_read.
async(size_t) stdio_reads(FILE *f, char *buf, char **line, size_t *cap) {
  size_t n = fread(buf, 1, 8, f); // expected-warning {{call to 'fread' blocks the event loop; use 'weft_read_exactly' instead}}
  n += (size_t)getdelim(line, cap, ';', f); // expected-warning {{call to 'getdelim' blocks the event loop; use 'weft_read_until' instead}}
  n += (size_t)getline(line, cap, f); // expected-warning {{call to 'getline' blocks the event loop; use 'weft_read_line' instead}}
  n += fgets(buf, 8, f) != NULL; // expected-warning {{call to 'fgets' blocks the event loop; use 'weft_read_line' instead}}
  n += (size_t)fgetc(f); // expected-warning {{call to 'fgetc' blocks the event loop; use 'weft_read' instead}}
  return weft_return(size_t, n);
}

// Calls with no primitive of their own that any thread may make: the pool.
// (Locks a thread owns stay without a replacement: see blocking-call-kin.c.)
async(int) detachable(sem_t *sem, pthread_t t) {
  int r = sem_wait(sem); // expected-warning {{call to 'sem_wait' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  r += pthread_join(t, NULL); // expected-warning {{call to 'pthread_join' blocks the event loop; run it on the worker pool with 'weft_detach'}}
  int (*down)(sem_t *) = sem_wait;
  r += down(sem); // expected-warning {{call through 'down' may call 'sem_wait', which blocks the event loop; run it on the worker pool with 'weft_detach'}}
  ssize_t (*put)(int, const void *, size_t) = write;
  r += (int)put(r, sem, 1); // expected-warning {{call through 'put' may call 'write', which blocks the event loop; use 'weft_write' instead, or 'weft_file_write' on a regular file}} expected-note {{the checker cannot show that this descriptor is non-blocking}}
  return weft_return(int, r);
}
