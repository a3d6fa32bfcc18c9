/*
 * lazy.c -- libraries loaded when first used (lazy.h).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lazy.h"

/* POSIX (dlsym(3)): a function's address fits in, and comes back from,
 * a void *; it is copied into the table's member as it is. */
_Static_assert(sizeof (void *) == sizeof (void (*)(void)),
    "a function pointer is as large as a void *");

int
lazy_load(struct lazy_lib *l, char *err, size_t errlen)
{
	void		*h, *f;
	const char	*why;
	size_t		 i;

	if (l->handle != NULL)
		return 0;
	/* RTLD_LOCAL: its symbols serve this table only, never the
	 * lookups of libraries loaded after it */
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	for (i = 0; h != NULL && i < l->nsyms; i++) {
		if ((f = dlsym(h, l->syms[i].name)) == NULL)
			break;		/* an older library */
		memcpy(l->syms[i].fn, &f, sizeof f);
	}
	if (h != NULL && i == l->nsyms) {
		l->handle = h;
		return 0;
	}
	/* the loader's reason, read before dlclose() may reset it */
	why = dlerror();
	snprintf(err, errlen, "cannot load %s: %s; on Debian: apt-get "
	    "install %s", l->what, why != NULL ? why : l->soname, l->package);
	if (h != NULL)
		dlclose(h);
	return -1;
}
