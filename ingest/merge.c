/*
 * merge: a min-heap of sources keyed by their pending event.  See merge.h.
 * A source is advanced only after its event has been handed out and the
 * caller came back for the next one, because the event lives in the source.
 */
#include "ingest/merge.h"

#include <stdlib.h>

static bool before(const struct lm_merge *m, unsigned a, unsigned b)
{
	const struct lm_event *x = m->src[a]->out, *y = m->src[b]->out;
	if (x->time != y->time)
		return x->time < y->time;
	return m->src[a]->index < m->src[b]->index;
}

static void swap(unsigned *h, unsigned i, unsigned j)
{
	unsigned t = h[i];
	h[i] = h[j];
	h[j] = t;
}

static void sift_up(struct lm_merge *m, unsigned i)
{
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		if (!before(m, m->heap[i], m->heap[parent]))
			break;
		swap(m->heap, i, parent);
		i = parent;
	}
}

static void sift_down(struct lm_merge *m, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, best = i;
		if (l < m->heap_n && before(m, m->heap[l], m->heap[best]))
			best = l;
		if (r < m->heap_n && before(m, m->heap[r], m->heap[best]))
			best = r;
		if (best == i)
			return;
		swap(m->heap, i, best);
		i = best;
	}
}

static void push(struct lm_merge *m, unsigned s)
{
	m->heap[m->heap_n] = s;
	sift_up(m, m->heap_n++);
}

void lm_merge_init(struct lm_merge *m, struct lm_source **src, unsigned n)
{
	m->src = src;
	m->heap = lm_xcalloc(n ? n : 1, sizeof(*m->heap));
	m->heap_n = 0;
	m->last = -1;
	for (unsigned i = 0; i < n; i++)
		if (lm_source_next(src[i]) == LM_SOURCE_EVENT)
			push(m, i);
}

void lm_merge_fini(struct lm_merge *m)
{
	free(m->heap);
	m->heap = NULL;
}

const struct lm_event *lm_merge_next(struct lm_merge *m)
{
	if (m->last >= 0 && lm_source_next(m->src[m->last]) == LM_SOURCE_EVENT)
		push(m, (unsigned)m->last);
	m->last = -1;
	if (m->heap_n == 0)
		return NULL;
	unsigned top = m->heap[0];
	m->heap[0] = m->heap[--m->heap_n];
	sift_down(m, 0);
	m->last = (int)top;
	return m->src[top]->out;
}
