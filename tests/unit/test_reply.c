/* PLACEHOLDER: replaced by the real tests of src/reply.c. */
#include <criterion/criterion.h>
Test(reply, placeholder) { cr_assert(1); }
