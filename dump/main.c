// SPDX-License-Identifier: MIT
#include <stdio.h>
int main(void)
{
	fputs("dump.erofs: not implemented yet\n", stderr);
	return 1;
}
