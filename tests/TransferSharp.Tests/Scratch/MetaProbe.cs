namespace TransferSharp.Tests.Scratch;
public class MetaProbe
{
    [Fact]
    public void Probe()
    {
        var meta = new Device(DeviceType.META);
        var a = torch.randn(3, 4);
        var b = a.to(CPU);
        Console.WriteLine($"same obj {ReferenceEquals(a,b)} same handle {a.Handle == b.Handle}");
        var c = a.cpu();
        Console.WriteLine($"cpu same obj {ReferenceEquals(a,c)}");
        var m = a.to(meta);
        try { var z = cat(new[]{m, a}, 0); Console.WriteLine("cat no throw " + z.device); } catch (Exception e) { Console.WriteLine("cat threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.index_select(0, tensor(new long[]{0})); Console.WriteLine("index_select no throw " + z.device); } catch (Exception e) { Console.WriteLine("index_select threw: " + e.Message.Split('\n')[0]); }
        try { var z = where(m.gt(0), a, m); Console.WriteLine("where no throw " + z.device); } catch (Exception e) { Console.WriteLine("where threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.masked_fill(eye(3,4, dtype: ScalarType.Bool), 0); Console.WriteLine("masked_fill no throw " + z.device); } catch (Exception e) { Console.WriteLine("masked_fill threw: " + e.Message.Split('\n')[0]); }
        try { var z = torch.nn.functional.cross_entropy(m, tensor(new long[]{0,1,2})); Console.WriteLine("ce no throw " + z.device); } catch (Exception e) { Console.WriteLine("ce threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.mm(a.t()); Console.WriteLine("mm no throw " + z.device); } catch (Exception e) { Console.WriteLine("mm threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.matmul(a.t()); Console.WriteLine("matmul no throw " + z.device); } catch (Exception e) { Console.WriteLine("matmul threw: " + e.Message.Split('\n')[0]); }
        try { var z = cdist(m, a); Console.WriteLine("cdist no throw " + z.device); } catch (Exception e) { Console.WriteLine("cdist threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.index_fill_(0, tensor(new long[]{0}), 0f); Console.WriteLine("index_fill no throw " + z.device); } catch (Exception e) { Console.WriteLine("index_fill threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.index_add(0, tensor(new long[]{0}), m.narrow(0,0,1), 1.0); Console.WriteLine("index_add no throw " + z.device); } catch (Exception e) { Console.WriteLine("index_add threw: " + e.Message.Split('\n')[0]); }
        try { var z = torch.linalg.svd(m); Console.WriteLine("svd ok"); } catch (Exception e) { Console.WriteLine("svd threw: " + e.Message.Split('\n')[0]); }
        try { var z = torch.linalg.solve(m.mm(m.t()), m); Console.WriteLine("solve ok"); } catch (Exception e) { Console.WriteLine("solve threw: " + e.Message.Split('\n')[0]); }
        try { var z = torch.nn.functional.one_hot(tensor(new long[]{0,1}).to(meta), 3); Console.WriteLine("onehot ok"); } catch (Exception e) { Console.WriteLine("onehot threw: " + e.Message.Split('\n')[0]); }
        try { var z = m.bmm(a.unsqueeze(0).transpose(1,2).unsqueeze(0).squeeze(0).expand(1,4,3)); Console.WriteLine("bmm mixed no throw"); } catch (Exception e) { Console.WriteLine("bmm threw: " + e.Message.Split('\n')[0]); }
    }
}
