/* PLACEHOLDER: replaced by the real tests of src/session.c. */
#include <criterion/criterion.h>
Test(session, placeholder) { cr_assert(1); }
