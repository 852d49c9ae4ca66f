// SPDX-License-Identifier: MIT
#include <stdio.h>
int main(void)
{
	fputs("fsck.erofs: not implemented yet\n", stderr);
	return 1;
}
