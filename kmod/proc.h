/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: /proc/net/ilb (proc.c).
 */
#ifndef _ILB_PROC_H
#define _ILB_PROC_H

#include "ilb.h"

int ilb_proc_init(struct ilb_net *in);
void ilb_proc_exit(struct ilb_net *in);

#endif /* _ILB_PROC_H */
