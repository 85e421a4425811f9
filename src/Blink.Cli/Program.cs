Console.WriteLine("blink: commands arrive with the following commits.");
