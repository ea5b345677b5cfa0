#ifndef URBANWATT_CEPOLL_SHIM_H
#define URBANWATT_CEPOLL_SHIM_H
// Linux's readiness interface, which Glibc's Swift module leaves out: the event loop of `--clients`.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
