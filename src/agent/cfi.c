/* SPDX-License-Identifier: MIT */
/*
 * cfi.c - one unwind rule for one PC, from the object's .eh_frame.
 *
 * The agent's unwinder (unwind.c) only needs three things of a frame on
 * x86-64: where its CFA is (the stack pointer or the frame pointer plus a
 * constant), where the return address is, and whether and where the
 * caller's frame pointer was saved.  Those come from running the DWARF
 * CFA program of the function's FDE up to the PC, which is done once per
 * PC and cached.  Only the operations compilers emit for ordinary frames
 * are understood; anything else (expressions, signal frames, a CFA in any
 * other register, the frame pointer kept in another register) gives no
 * rule, and the frame is unwound by libgcc's general unwinder instead, so
 * what is not understood costs time, never exactness.
 *
 * The FDE is found by libgcc's _Unwind_Find_FDE (linked statically into
 * the agent, see Makefile.am): a binary search of the object's
 * .eh_frame_hdr, found through dl_iterate_phdr.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "agent.h"

#if defined(__x86_64__)

/* libgcc's; not in an installed header. */
struct dwarf_eh_bases {
	void *tbase, *dbase, *func;
};
extern const void *_Unwind_Find_FDE(void *, struct dwarf_eh_bases *);

#define REG_RBP		6
#define REG_RSP		7
#define REG_RA		16

/* How a register is found in the caller's frame. */
enum { R_SAME, R_OFFSET, R_UNDEF, R_BAD };

struct regrule {
	int how;
	int64_t off;		/* R_OFFSET: at CFA + off */
};

struct state {
	int cfa_reg;		/* REG_RSP or REG_RBP, else no rule */
	int64_t cfa_off;
	struct regrule rbp, ra;
};

struct reader {
	const unsigned char *p, *end;
	int bad;
};

/* A LEB128 number, sign-extended if is_signed. */
static uint64_t
leb(struct reader *r, int is_signed)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		if (r->p >= r->end || shift > 63) {
			r->bad = 1;
			return 0;
		}
		b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (is_signed && shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return v;
}

static uint64_t
uleb(struct reader *r)
{
	return leb(r, 0);
}

static int64_t
sleb(struct reader *r)
{
	return (int64_t)leb(r, 1);
}

static uint64_t
fixed(struct reader *r, size_t n)
{
	uint64_t v = 0;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, n);		/* little-endian */
	r->p += n;
	return v;
}

/* Skip a pointer encoded as enc (DW_EH_PE_*); only its size matters. */
static void
skip_encoded(struct reader *r, unsigned enc)
{
	if (enc == 0xff)		/* DW_EH_PE_omit */
		return;
	switch (enc & 0x0f) {
	case 0x00:			/* absptr */
	case 0x04:			/* udata8 */
	case 0x0c:			/* sdata8 */
		fixed(r, 8);
		break;
	case 0x02:			/* udata2 */
	case 0x0a:			/* sdata2 */
		fixed(r, 2);
		break;
	case 0x03:			/* udata4 */
	case 0x0b:			/* sdata4 */
		fixed(r, 4);
		break;
	case 0x01:			/* uleb128 */
		uleb(r);
		break;
	case 0x09:			/* sleb128 */
		sleb(r);
		break;
	default:
		r->bad = 1;
	}
}

struct cie {
	uint64_t code_align;
	int64_t data_align;
	unsigned fde_enc;
	int has_z;
	struct reader init;	/* initial instructions */
};

static int
parse_cie(const unsigned char *p, struct cie *c)
{
	struct reader r;
	uint32_t len;
	const char *aug;
	unsigned version;
	uint64_t ra_reg, auglen;
	const unsigned char *augend;

	memcpy(&len, p, 4);
	if (len == 0 || len == 0xffffffffu)
		return -1;
	r.p = p + 4;
	r.end = p + 4 + len;
	r.bad = 0;
	if (fixed(&r, 4) != 0)		/* CIE id */
		return -1;
	version = (unsigned)fixed(&r, 1);
	if (version != 1 && version != 3)
		return -1;
	aug = (const char *)r.p;
	while (r.p < r.end && *r.p != '\0')
		r.p++;
	if (r.p++ >= r.end)
		return -1;
	c->code_align = uleb(&r);
	c->data_align = sleb(&r);
	ra_reg = version == 1 ? fixed(&r, 1) : uleb(&r);
	if (ra_reg != REG_RA)
		return -1;
	c->fde_enc = 0;			/* absptr */
	c->has_z = aug[0] == 'z';
	if (c->has_z) {
		auglen = uleb(&r);
		if (r.bad || auglen > (uint64_t)(r.end - r.p))
			return -1;
		augend = r.p + auglen;
		for (aug++; *aug != '\0'; aug++) {
			switch (*aug) {
			case 'R':
				c->fde_enc = (unsigned)fixed(&r, 1);
				break;
			case 'L':
				fixed(&r, 1);
				break;
			case 'P':
				skip_encoded(&r, (unsigned)fixed(&r, 1) & 0x7f);
				break;
			default:	/* 'S' (a signal frame) or unknown */
				return -1;
			}
		}
		r.p = augend;
	} else if (aug[0] != '\0') {
		return -1;
	}
	if (r.bad)
		return -1;
	c->init = r;
	return 0;
}

static int
set_reg(struct state *s, uint64_t reg, int how, int64_t off)
{
	struct regrule *rr;

	if (reg == REG_RBP)
		rr = &s->rbp;
	else if (reg == REG_RA)
		rr = &s->ra;
	else if (reg == REG_RSP)
		return how == R_SAME ? 0 : -1;
	else
		return 0;	/* a register the walk never needs */
	rr->how = how;
	rr->off = off;
	return 0;
}

#define STACK_DEPTH	8

/*
 * Run the instructions in r from address *loc while they describe an
 * address at or below pc.  init is the state after the CIE's initial
 * instructions (for DW_CFA_restore).  0 when the end or pc is reached,
 * -1 on anything not understood.
 */
static int
run(struct reader *r, const struct cie *c, uintptr_t *loc, uintptr_t pc,
    struct state *s, const struct state *init)
{
	struct state saved[STACK_DEPTH];
	int depth = 0;
	unsigned op, low;
	uint64_t reg, delta;
	const struct regrule *from;

	while (r->p < r->end && !r->bad) {
		op = *r->p++;
		low = op & 0x3f;
		delta = 0;
		switch (op & 0xc0) {
		case 0x40:			/* advance_loc */
			delta = low;
			goto advance;
		case 0x80:			/* offset */
			if (set_reg(s, low, R_OFFSET,
			    (int64_t)uleb(r) * c->data_align) == -1)
				return -1;
			continue;
		case 0xc0:			/* restore */
			reg = low;
			goto restore;
		}
		switch (op) {
		case 0x00:			/* nop */
			continue;
		case 0x02:			/* advance_loc1 */
			delta = fixed(r, 1);
			goto advance;
		case 0x03:			/* advance_loc2 */
			delta = fixed(r, 2);
			goto advance;
		case 0x04:			/* advance_loc4 */
			delta = fixed(r, 4);
			goto advance;
		case 0x05:			/* offset_extended */
			reg = uleb(r);
			if (set_reg(s, reg, R_OFFSET,
			    (int64_t)uleb(r) * c->data_align) == -1)
				return -1;
			continue;
		case 0x11:			/* offset_extended_sf */
			reg = uleb(r);
			if (set_reg(s, reg, R_OFFSET, sleb(r) * c->data_align)
			    == -1)
				return -1;
			continue;
		case 0x06:			/* restore_extended */
			reg = uleb(r);
restore:
			if (init == NULL)
				return -1;
			from = reg == REG_RBP ? &init->rbp :
			    reg == REG_RA ? &init->ra : NULL;
			if (from != NULL &&
			    set_reg(s, reg, from->how, from->off) == -1)
				return -1;
			continue;
		case 0x07:			/* undefined */
			if (set_reg(s, uleb(r), R_UNDEF, 0) == -1)
				return -1;
			continue;
		case 0x08:			/* same_value */
			if (set_reg(s, uleb(r), R_SAME, 0) == -1)
				return -1;
			continue;
		case 0x09:			/* register */
			reg = uleb(r);
			uleb(r);
			if (set_reg(s, reg, R_BAD, 0) == -1)
				return -1;
			continue;
		case 0x0a:			/* remember_state */
			if (depth == STACK_DEPTH)
				return -1;
			saved[depth++] = *s;
			continue;
		case 0x0b:			/* restore_state */
			if (depth == 0)
				return -1;
			*s = saved[--depth];
			continue;
		case 0x0c:			/* def_cfa */
			s->cfa_reg = (int)uleb(r);
			s->cfa_off = (int64_t)uleb(r);
			continue;
		case 0x12:			/* def_cfa_sf */
			s->cfa_reg = (int)uleb(r);
			s->cfa_off = sleb(r) * c->data_align;
			continue;
		case 0x0d:			/* def_cfa_register */
			s->cfa_reg = (int)uleb(r);
			continue;
		case 0x0e:			/* def_cfa_offset */
			s->cfa_off = (int64_t)uleb(r);
			continue;
		case 0x13:			/* def_cfa_offset_sf */
			s->cfa_off = sleb(r) * c->data_align;
			continue;
		case 0x2e:			/* GNU_args_size */
			uleb(r);
			continue;
		case 0x10:			/* expression */
		case 0x16:			/* val_expression */
			reg = uleb(r);
			delta = uleb(r);
			if (delta > (uint64_t)(r->end - r->p))
				return -1;
			r->p += delta;
			if (set_reg(s, reg, R_BAD, 0) == -1)
				return -1;
			continue;
		default:	/* def_cfa_expression, val_offset, ... */
			return -1;
		}
advance:
		*loc += delta * c->code_align;
		if (*loc > pc)
			return 0;
	}
	return r->bad ? -1 : 0;
}

uint64_t
cfi_rule(uintptr_t pc)
{
	struct dwarf_eh_bases bases;
	const unsigned char *fde;
	const struct cie *cp;
	struct cie c;
	struct state s, init;
	struct reader r;
	uint32_t len, cie_off;
	uintptr_t loc;
	uint64_t rule;

	fde = _Unwind_Find_FDE((void *)pc, &bases);
	if (fde == NULL)
		return RULE_VALID | RULE_NOINFO;
	memcpy(&len, fde, 4);
	memcpy(&cie_off, fde + 4, 4);
	if (len == 0xffffffffu || len < 8 ||
	    parse_cie(fde + 4 - cie_off, &c) == -1)
		return RULE_VALID | RULE_FALLBACK;
	cp = &c;
	memset(&s, 0, sizeof s);
	s.cfa_reg = -1;
	s.rbp.how = R_SAME;
	s.ra.how = R_BAD;
	loc = (uintptr_t)bases.func;
	r = c.init;
	/* The CIE's instructions apply from the function's start. */
	if (run(&r, cp, &loc, UINTPTR_MAX, &s, NULL) == -1)
		return RULE_VALID | RULE_FALLBACK;
	init = s;
	r.p = fde + 8;
	r.end = fde + 4 + len;
	r.bad = 0;
	skip_encoded(&r, c.fde_enc & 0x7f);	/* pc_begin: bases.func */
	skip_encoded(&r, c.fde_enc & 0x0f);	/* pc_range */
	if (c.has_z) {
		len = (uint32_t)uleb(&r);
		if (len > (uint64_t)(r.end - r.p))
			return RULE_VALID | RULE_FALLBACK;
		r.p += len;
	}
	loc = (uintptr_t)bases.func;
	if (r.bad || run(&r, cp, &loc, pc, &s, &init) == -1)
		return RULE_VALID | RULE_FALLBACK;

	if (s.cfa_reg != REG_RSP && s.cfa_reg != REG_RBP)
		return RULE_VALID | RULE_FALLBACK;
	if (s.cfa_off < INT32_MIN || s.cfa_off > INT32_MAX)
		return RULE_VALID | RULE_FALLBACK;
	rule = RULE_VALID | (s.cfa_reg == REG_RBP ? RULE_CFA_RBP : 0) |
	    ((uint64_t)(uint32_t)(int32_t)s.cfa_off << RULE_CFA_SHIFT);
	if (s.ra.how == R_UNDEF)
		return rule | RULE_END;
	if (s.ra.how != R_OFFSET || s.ra.off < INT8_MIN ||
	    s.ra.off > INT8_MAX)
		return RULE_VALID | RULE_FALLBACK;
	rule |= (uint64_t)(uint8_t)(int8_t)s.ra.off << RULE_RA_SHIFT;
	if (s.rbp.how == R_OFFSET) {
		if (s.rbp.off < INT16_MIN || s.rbp.off > INT16_MAX)
			return RULE_VALID | RULE_FALLBACK;
		rule |= RULE_RBP_SAVED |
		    (uint64_t)(uint16_t)(int16_t)s.rbp.off << RULE_RBP_SHIFT;
	} else if (s.rbp.how != R_SAME) {
		return RULE_VALID | RULE_FALLBACK;
	}
	return rule;
}

#else

uint64_t
cfi_rule(uintptr_t pc)
{
	(void)pc;
	return RULE_VALID | RULE_FALLBACK;
}

#endif
