/*
 * lazy.h -- libraries loaded when first used (dlopen), not linked.
 *
 * A linked library is mapped and relocated, with every library it needs,
 * at each start of smtpscope, whether the command uses it or not.  GNU
 * SASL (AUTH) and libunbound (DNS) are 9 libraries with those they need,
 * libcurl (MTA-STS) 28, for a few commands: each is loaded by the module
 * that uses it, the first time that module needs it, and kept.
 *
 * Such a module calls the library through a table of function pointers,
 * each typed from the library's own header, and lists the table's
 * members once more for the loader to fill (names and members come from
 * the same words: they cannot disagree; LAZY_CHECK catches a member
 * left out):
 *
 *	static struct {
 *		LAZY_FN(ub_, ctx_create);	calls: ub.ctx_create()
 *		LAZY_FN(ub_, ctx_delete);
 *	} ub;
 *	static const struct lazy_sym dns_syms[] = {
 *		LAZY_SYM(ub, ub_, ctx_create),
 *		LAZY_SYM(ub, ub_, ctx_delete),
 *	};
 *	LAZY_CHECK(ub, dns_syms);
 *	static struct lazy_lib dns_lib = LAZY_LIB(UNBOUND,
 *	    "libunbound, which resolves DNS", dns_syms);
 *	...
 *	if (lazy_load(&dns_lib, err, errlen) == -1)
 *		return NULL;
 *
 * configure gives NAME_SONAME (the soname the header describes: the
 * library's ABI) and NAME_PACKAGE (the Debian package that installs it)
 * in config.h.  A module that needs a library at all times (the practice
 * server offers AUTH) loads it when it starts, so that a missing library
 * is said once, at once.
 */
#ifndef SMTPSCOPE_LAZY_H
#define SMTPSCOPE_LAZY_H

#include <stddef.h>

/* One function of a library: its name, and the table member (a pointer
 * to a function) its address goes to. */
struct lazy_sym {
	const char	*name;
	void		*fn;
};

/* A library and the functions a module calls. */
struct lazy_lib {
	const char		*soname;	/* "libgsasl.so.18" */
	const char		*what;		/* "GNU SASL, which runs AUTH" */
	const char		*package;	/* "libgsasl18" */
	const struct lazy_sym	*syms;
	size_t			 nsyms;
	void			*handle;	/* once loaded */
};

/* A table member: a pointer to the function PREFIX##NAME, of the type
 * the library's header gives it. */
#define LAZY_FN(prefix, name)		__typeof__(prefix##name) *name

/* The entry that fills member NAME of TABLE with PREFIX##NAME. */
#define LAZY_SYM(table, prefix, name)	{ #prefix #name, &(table).name }

/* Every member of TABLE has its entry in SYMS. */
#define LAZY_CHECK(table, syms)						\
	_Static_assert(sizeof (table) / sizeof (void (*)(void)) ==	\
	    sizeof (syms) / sizeof (syms)[0],				\
	    #syms " lists every member of " #table)

/* The library NAME of configure (NAME_SONAME, NAME_PACKAGE), what it is
 * for, and the functions to find in it. */
#define LAZY_LIB(name, what, syms)					\
	{ name##_SONAME, (what), name##_PACKAGE, (syms),		\
	    sizeof (syms) / sizeof (syms)[0], NULL }

/*
 * Load the library, if not yet, and fill its table.  0, or -1 with one
 * line in err: "cannot load WHAT: the loader's reason; on Debian:
 * apt-get install PACKAGE".  A failed load is tried again at the next
 * call.
 */
int	lazy_load(struct lazy_lib *, char *err, size_t errlen);

#endif
