/* PLACEHOLDER: replaced by the real tests of src/net.c. */
#include <criterion/criterion.h>
Test(net, placeholder) { cr_assert(1); }
