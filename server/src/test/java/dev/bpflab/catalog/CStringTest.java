package dev.bpflab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Whatever a string holds, it comes out as exactly one C string literal. */
class CStringTest {

    @Test
    void plainTextStaysReadable() {
        assertEquals("\"/tmp/bpflab-1/victim.txt\"", CString.literal("/tmp/bpflab-1/victim.txt"));
        assertEquals("\"\"", CString.literal(""));
    }

    @Test
    void quotesBackslashesNewlinesAndTrigraphsBecomeOctalEscapes() {
        assertEquals("\"\\042); bpf_override_return(ctx, 0); //\"", CString.literal("\"); bpf_override_return(ctx, 0); //"));
        assertEquals("\"a\\134\\012#include </etc/shadow>\"", CString.literal("a\\\n#include </etc/shadow>"));
        assertEquals("\"\\077\\077=\"", CString.literal("??="));
        assertEquals("\"\\303\\261\"", CString.literal("ñ"));
        assertEquals("\"\\0001\"", CString.literal("\u00001"));
    }
}
