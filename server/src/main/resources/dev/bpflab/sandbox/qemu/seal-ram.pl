# Holds a sealed copy of a saved VM's RAM file for the clones (see TemplateRam.java).
# Usage: perl seal-ram.pl MEMORY_FILE; prints "ready PID FD", then holds the copy until its input ends.
# Linux x86_64: memfd_create is syscall 319 there.
use strict;
use warnings;

my ($SYS_memfd_create, $MFD_CLOEXEC, $MFD_ALLOW_SEALING) = (319, 1, 2);
my ($F_ADD_SEALS, $F_SEAL_SEAL, $F_SEAL_SHRINK, $F_SEAL_GROW, $F_SEAL_WRITE) = (1033, 1, 2, 4, 8);
my $PAGE = 4096;

my $path = shift or die "usage: seal-ram.pl MEMORY_FILE\n";
open(my $in, '<:raw', $path) or die "cannot read $path: $!\n";
my $size = -s $in;
my $name = 'bpflab-saved-vm-ram';
my $fd = syscall($SYS_memfd_create, $name, $MFD_CLOEXEC | $MFD_ALLOW_SEALING);
$fd >= 0 or die "memfd_create: $!\n";
open(my $ram, '+<&=', $fd) or die "cannot use the memfd: $!\n";
binmode($ram);
truncate($ram, $size) or die "cannot size the memfd: $!\n";

# Pages of zeros stay holes: they cost no memory, and read as zeros.
my $offset = 0;
while (my $n = sysread($in, my $chunk, 1 << 20)) {
    if (($chunk =~ tr/\0//c) > 0) {
        for (my $at = 0; $at < $n; $at += $PAGE) {
            my $page = substr($chunk, $at, $PAGE);
            next if ($page =~ tr/\0//c) == 0;
            sysseek($ram, $offset + $at, 0) or die "seek: $!\n";
            syswrite($ram, $page) == length($page) or die "cannot copy into the memfd: $!\n";
        }
    }
    $offset += $n;
}
$offset == $size or die "read $offset of $size bytes of $path\n";
close($in);

# From here on no process can change the copy, not even root: writes, shared writable mappings and size changes
# fail, and the seals cannot be lifted. Private (copy-on-write) mappings still work.
fcntl($ram, $F_ADD_SEALS, $F_SEAL_SEAL | $F_SEAL_SHRINK | $F_SEAL_GROW | $F_SEAL_WRITE) or die "cannot seal: $!\n";
$| = 1;
print "ready $$ $fd\n";
1 while <STDIN>;
