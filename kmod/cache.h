/* SPDX-License-Identifier: GPL-2.0 */
/* The cache's LRU (cache.c): bounded, least recently used entries go. */
#ifndef _ILB_CACHE_H
#define _ILB_CACHE_H

struct ilb_net;
struct ilb_conn;
struct ilb_conn_table;

/* @cp (ILB_ROLE_CACHE) joins the LRU; past @max entries the oldest goes */
void ilb_cache_add(struct ilb_net *in, struct ilb_conn_table *t,
		   struct ilb_conn *cp, unsigned int max);
/* @cp leaves the LRU (unhashed, or no longer a cache entry) */
void ilb_cache_del(struct ilb_net *in, struct ilb_conn *cp);

#endif /* _ILB_CACHE_H */
